/** Plain-TS reference for circular convolution (spec §3): the definition, term by term. */
export function refConvolveWrap(signal: ArrayLike<number>, kernel: ArrayLike<number>, shift: number, scale = 1): Float64Array {
  const n = signal.length;
  return Float64Array.from({ length: n }, (_, i) => {
    let c = 0;
    for (let j = 0; j < kernel.length; j++) c += kernel[j] * signal[(((i - j + shift) % n) + n) % n];
    return scale * c;
  });
}
