// "Did you mean …?" (src/core/suggest.ts): the edit distance against hand-counted values, the cut-off
// for what counts as a typo, and the hint in the option errors that use it.
import { describe, expect, it } from "vitest";
import { closestName, didYouMean, editDistance } from "../src/core/suggest.js";
import { ladderDissipation, runPerceptron, Hopfield } from "../src/index.js";

describe("editDistance", () => {
  it("counts insertions, deletions and substitutions (hand-counted), ignoring case", () => {
    expect(editDistance("gama", "gamma")).toBe(1); // one insertion
    expect(editDistance("kitten", "sitting")).toBe(3); // k→s, e→i, +g
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("abc", "")).toBe(3);
    expect(editDistance("Tend", "tend")).toBe(0);
    expect(editDistance("abcd", "abdc")).toBe(2); // a swap is two substitutions here
  });
});

describe("closestName", () => {
  const known = ["rungs", "gamma", "F", "tEnd", "hebbian", "storkey"];
  it("finds one-letter typos and ignores - and _ (tend, t-end, t_end → tEnd)", () => {
    expect(closestName("gama", known)).toBe("gamma");
    expect(closestName("tend", known)).toBe("tEnd");
    expect(closestName("t-end", known)).toBe("tEnd");
    expect(closestName("t_end", known)).toBe("tEnd");
  });
  it("completes a unique prefix of three letters or more, and not a shorter or shared one", () => {
    expect(closestName("heb", known)).toBe("hebbian");
    expect(closestName("he", known)).toBeUndefined();
    expect(closestName("sto", ["storkey", "store"])).toBeUndefined(); // two names begin with it: by distance
  });
  it("suggests nothing for a word that is not a typo of any (at most a third of the letters differ)", () => {
    expect(closestName("extra", known)).toBeUndefined();
    expect(closestName("x", ["F"])).toBeUndefined(); // every letter replaced: no typo
    expect(closestName("f", ["F"])).toBe("F"); // case only
  });
  it("allows one edit in short names, a third of the letters in longer ones, never more than three", () => {
    expect(closestName("ab", ["ac"])).toBe("ac"); // allowed max(1, floor(2/3)) = 1
    expect(closestName("abcdef", ["abcxyz"])).toBeUndefined(); // 3 edits > floor(6/3) = 2
    expect(closestName("abcdef", ["abcdyz"])).toBe("abcdyz"); // 2 edits ≤ 2
    expect(closestName("abcdefghijklmnop", ["abcdefghijklwxyz"])).toBeUndefined(); // 4 > cap 3
    // The allowance is a third of the LONGER name: 3 insertions into 11 letters pass (floor(8/3) = 2 would not).
    expect(closestName("bcdefghi", ["abcdefghijk"])).toBe("abcdefghijk");
  });
  it("picks the nearest of several, and the first of equally near ones", () => {
    expect(closestName("abcdef", ["abcdeg", "abxdyf"])).toBe("abcdeg"); // 1 edit beats 2, whatever the order
    expect(closestName("abcdef", ["abxdyf", "abcdeg"])).toBe("abcdeg");
    expect(closestName("abcdef", ["abcdeg", "abcdex"])).toBe("abcdeg"); // a tie: the first
  });
});

describe("the hint in option errors", () => {
  it("unknown options and enum values name the closest accepted one", () => {
    expect(() => ladderDissipation({ gama: 1 } as never)).toThrow(
      'ladderDissipation: unknown option "gama"; did you mean "gamma"? (known: rungs, gamma, F, s, KI, KA)',
    );
    expect(() => runPerceptron({ tend: 1 } as never)).toThrow(/unknown option "tend"; did you mean "tEnd"\?/);
    expect(() => new Hopfield({ n: 10, count: 2, rule: "heb" as never })).toThrow(
      /rule must be one of "hebbian", "storkey", "pseudoinverse", got "heb"; did you mean "hebbian"\?/,
    );
    expect(didYouMean("zzz", ["gamma"])).toBe("");
  });
});
