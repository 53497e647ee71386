import { evaluateResult } from '../support/argo-conditions';

// The stand-in for Argo Rollouts' EvaluateResult (utils/evaluate/evaluate.go, v1.9.1) the live
// Prometheus tests judge measurements with: its rules, case by case.
describe('the Argo Rollouts condition evaluator of the Prometheus tests', () => {
  const success = 'len(result) > 0 && result[0] >= 0.99';
  const failure = 'len(result) > 0 && result[0] < 0.99';

  test.each([
    [[1], 'Successful'],
    [[0.9], 'Failed'],
    [[0], 'Failed'],
    // No data: neither condition holds.
    [[], 'Inconclusive'],
    // NaN compares false both ways (Go floats).
    [[NaN], 'Inconclusive'],
  ] as const)('the templates\' conditions on %p: %s', (result, phase) => {
    expect(evaluateResult([...result], success, failure)).toBe(phase);
  });

  test('without the len() guard, result[0] of an empty answer is an evaluation error (expr: index out of range)', () => {
    expect(evaluateResult([], 'result[0] >= 0.99', 'result[0] < 0.99')).toBe('Error');
  });

  test('one condition only: the other is its negation; none: Successful', () => {
    expect(evaluateResult([0.5], 'result[0] >= 0.99')).toBe('Failed');
    expect(evaluateResult([0.5], undefined, 'result[0] < 0.1')).toBe('Successful');
    expect(evaluateResult([0.5])).toBe('Successful');
  });

  test('the failure condition wins when both hold; or, not, isNaN and parentheses', () => {
    expect(evaluateResult([1], 'result[0] > 0', 'result[0] > 0.5')).toBe('Failed');
    expect(evaluateResult([NaN], 'not isNaN(result[0]) && result[0] > 0', 'isNaN(result[0]) || (result[0] < -1)')).toBe('Failed');
  });

  test('syntax it does not know fails the test instead of guessing', () => {
    expect(() => evaluateResult([1], 'all(result, {# > 0})')).toThrow('cannot read');
    expect(() => evaluateResult([1], 'result[0] in [1, 2]')).toThrow('unexpected "in"');
    expect(() => evaluateResult([1], 'asInt(result[0]) > 0')).toThrow('not supported');
  });
});
