import { literalProblem, unmatchableLiterals } from '../../../src/engine/conditions';
import { normalizeText } from '../../../src/engine';

describe('condition literals compared with the normalised description', () => {
  it('finds the literals normalisation would change, in contains, == and word lists, with what to write instead', () => {
    const condition = 'input.description.contains("回T退订") || input.description == "，" || ["ＡＢ", "ok"].exists(w, input.description.contains(w))';
    expect(unmatchableLiterals(condition)).toEqual([
      { literal: '回T退订', normalised: normalizeText('回T退订') },
      { literal: '，', normalised: normalizeText('，') },
      { literal: 'ＡＢ', normalised: normalizeText('ＡＢ') },
    ]);
    expect(literalProblem(condition)).toMatch(/"回T退订" \(write "回t退订"\)/);
  });

  it('leaves alone literals already normal, and literals tested against the raw description or other fields', () => {
    expect(unmatchableLiterals('input.description.contains("回t退订") && input.rawDescription.contains("回T退订") && input.industry == "金融，贷款"')).toEqual(
      [],
    );
    expect(literalProblem('input.callDirection == "OUTBOUND"')).toBeNull();
  });
});
