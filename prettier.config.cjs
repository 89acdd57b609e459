// Matches the style the code was written in (single quotes, 2 spaces, trailing commas, long lines),
// so that adopting Prettier reflows as few existing lines as possible. printWidth 160 was measured
// against 120-200: it touches about the fewest existing lines (371 in 74 files) and sits at the
// code's own 99th-percentile line length (158).
/** @type {import('prettier').Config} */
module.exports = {
  singleQuote: true,
  printWidth: 160,
};
