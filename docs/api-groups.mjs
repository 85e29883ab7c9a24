// TypeDoc plugin (loaded by typedoc.json): puts every top-level export in the group of the model
// whose folder defines it (src/perceptron/ → "Perceptron", …), so the reference is grouped by model
// without a `@group` tag on each of the ~400 exports. An explicit `@group` in a comment wins.
import { Comment, CommentTag, Converter, ReflectionKind } from "typedoc";

/** Folder under src/ (or file) → group title, in the order the reference lists them. */
const GROUPS = {
  perceptron: "Perceptron",
  hopfield: "Hopfield",
  kernels: "Contrastive learning and kernels",
  contrastive: "Contrastive learning and kernels",
  markov: "Markov chains",
  eqprop: "Equilibrium propagation",
  langevin: "Langevin dynamics",
  core: "Core (wasm, lifecycle)",
  "rng.ts": "Core (wasm, lifecycle)",
  "version.ts": "Core (wasm, lifecycle)",
  math: "Math",
  plot: "Plots",
  data: "Data",
  node: "Node",
};

export const GROUP_ORDER = [...new Set(Object.values(GROUPS))];

/** @param {import("typedoc").Application} app */
export function load(app) {
  const folderOf = new Map();
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.parent?.kindOf(ReflectionKind.Module)) return;
    const symbol = context.getSymbolFromReflection(reflection);
    const file = symbol?.declarations?.[0]?.getSourceFile().fileName.replaceAll("\\", "/");
    const match = file && /\/src\/([^/]+)/.exec(file);
    if (match && GROUPS[match[1]]) folderOf.set(reflection, GROUPS[match[1]]);
  });
  app.converter.on(
    Converter.EVENT_RESOLVE_BEGIN,
    () => {
      for (const [reflection, group] of folderOf) {
        const target = reflection.signatures?.[0] && !reflection.comment ? reflection.signatures[0] : reflection;
        target.comment ??= new Comment();
        if (target.comment.blockTags.some((tag) => tag.tag === "@group")) continue;
        target.comment.blockTags.push(new CommentTag("@group", [{ kind: "text", text: group }]));
      }
      folderOf.clear();
    },
    100,
  );
}
