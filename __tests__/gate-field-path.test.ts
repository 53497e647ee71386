import { child, index, key } from '../lib/validate/field-path';

describe('field paths of problems, as Kubernetes writes them', () => {
  test('fields join with dots, list entries take their index, from the root without a leading dot', () => {
    expect(child('spec', 'templates')).toBe('spec.templates');
    expect(child('', 'spec', 'entrypoint')).toBe('spec.entrypoint');
    expect(child(index(child('spec', 'templates'), 3), 'dag', 'tasks')).toBe('spec.templates[3].dag.tasks');
  });

  test('a key named by data is a field when it is an identifier, else quoted in brackets', () => {
    expect(key('metadata.labels', 'team')).toBe('metadata.labels.team');
    expect(key('', 'spec')).toBe('spec');
    expect(key('metadata.annotations', 'example.com/x')).toBe('metadata.annotations["example.com/x"]');
    expect(key('env', '1st')).toBe('env["1st"]');
  });
});
