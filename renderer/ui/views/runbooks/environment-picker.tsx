// The environment picker: every environment of the inventory, the protected ones marked
// in words, and the ones the runbook does not allow marked too (Handrail refuses them on
// start; the picker says so first).
import type { EnvironmentInfo } from '../../../../src/contract/api.js';

export function EnvironmentPicker({
  environments,
  allowed,
  value,
  onChange,
}: {
  environments: readonly EnvironmentInfo[];
  allowed: readonly string[] | undefined;
  value: string;
  onChange: (name: string) => void;
}) {
  return (
    <label className="field">
      <span className="field-label">Environment</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose an environment…</option>
        {environments.map((env) => {
          const notAllowed = allowed !== undefined && !allowed.includes(env.name);
          return (
            <option key={env.name} value={env.name}>
              {env.name}
              {env.protected ? ' — PROTECTED' : ''}
              {notAllowed ? ' (not allowed by this runbook)' : ''}
            </option>
          );
        })}
      </select>
    </label>
  );
}

/** Where each target of the environment points, so the operator sees what will be touched. */
export function EnvironmentTargets({ environment }: { environment: EnvironmentInfo }) {
  return (
    <div className="env-targets">
      {environment.description ? <p>{environment.description}</p> : null}
      <table className="table compact">
        <caption className="visually-hidden">Targets in {environment.name}</caption>
        <thead>
          <tr>
            <th scope="col">Target</th>
            <th scope="col">Kind</th>
            <th scope="col">Where</th>
          </tr>
        </thead>
        <tbody>
          {environment.targets.map((t) => (
            <tr key={t.name}>
              <td>
                <code>{t.name}</code>
              </td>
              <td>{t.kind}</td>
              <td>
                <code>{t.where}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
