/**
 * How many examples a property test generates. Under mutation testing (`npm run mutation` sets
 * MUTATION_SCOPE) every property runs again for each of hundreds of mutants, and a mutant that
 * a property catches fails on one of its first examples: a tenth of the examples (at least 20)
 * keeps the run within hours. `npm test` always runs the full number.
 */
export function propertyRuns(numRuns: number): number {
  return process.env.MUTATION_SCOPE ? Math.max(20, Math.ceil(numRuns / 10)) : numRuns;
}
