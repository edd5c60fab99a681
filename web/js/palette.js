// Category colours: Okabe & Ito's palette, told apart with every common colour-vision deficiency.
// The NICE highlights always take the first five, in their usual order.

export const COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#000000"];
export const NICE = ["sensitivity", "responsiveness", "communication", "strengths", "positive_change"];

export function niceColour(code) {
  const n = NICE.indexOf(code);
  return COLOURS[n < 0 ? COLOURS.length - 1 : n];
}
