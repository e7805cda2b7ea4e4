// The inputs form, generated from the runbook's declarations and checked as you type.
import type { InputDeclaration } from '../../../../src/contract/runbook.js';
import { inputProblem } from '../../lib/input-values.js';

export function InputsForm({
  inputs,
  values,
  onChange,
  only,
}: {
  inputs: Record<string, InputDeclaration>;
  values: Record<string, string>;
  onChange: (name: string, value: string) => void;
  /** Show only these inputs (a resumed run asks for its secrets again, nothing else). */
  only?: readonly string[];
}) {
  const names = Object.keys(inputs).filter((name) => !only || only.includes(name));
  if (names.length === 0) return <p className="muted">This runbook takes no inputs.</p>;
  return (
    <div className="inputs">
      {names.map((name) => {
        const declaration = inputs[name];
        if (!declaration) return null;
        const value = values[name] ?? '';
        const problem = inputProblem(declaration, value);
        const describedBy = `input-${name}-help`;
        return (
          <div className="field" key={name}>
            <label htmlFor={`input-${name}`} className="field-label">
              {name}
              {declaration.secret ? <span className="tag tag-info">secret</span> : null}
            </label>
            <InputControl name={name} declaration={declaration} value={value} onChange={onChange} invalid={problem !== null} describedBy={describedBy} />
            <div id={describedBy} className="field-help">
              {declaration.description ? <span>{declaration.description}</span> : null}
              {problem ? (
                <span className="field-problem" role="status">
                  {' '}
                  ✗ {problem}
                </span>
              ) : (
                <span className="field-ok"> ✓</span>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}

function InputControl({
  name,
  declaration,
  value,
  onChange,
  invalid,
  describedBy,
}: {
  name: string;
  declaration: InputDeclaration;
  value: string;
  onChange: (name: string, value: string) => void;
  invalid: boolean;
  describedBy: string;
}) {
  const common = { id: `input-${name}`, 'aria-invalid': invalid, 'aria-describedby': describedBy };
  if (declaration.type === 'enum') {
    return (
      <select {...common} value={value} onChange={(e) => onChange(name, e.target.value)}>
        <option value="">Choose…</option>
        {(declaration.values ?? []).map((v) => (
          <option key={String(v)} value={String(v)}>
            {String(v)}
          </option>
        ))}
      </select>
    );
  }
  if (declaration.type === 'boolean') {
    return (
      <select {...common} value={value} onChange={(e) => onChange(name, e.target.value)}>
        <option value="false">false</option>
        <option value="true">true</option>
      </select>
    );
  }
  return (
    <input
      {...common}
      type={declaration.secret ? 'password' : 'text'}
      inputMode={declaration.type === 'number' ? 'decimal' : undefined}
      autoComplete={declaration.secret ? 'new-password' : 'off'}
      spellCheck={false}
      value={value}
      onChange={(e) => onChange(name, e.target.value)}
    />
  );
}
