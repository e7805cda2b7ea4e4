// The validator's advice on destructive sh steps: a step that deletes, stops, flushes or
// cannot be read before it runs gets a warning (never an error) unless it is marked
// `confirm` or `mutates`; what an earlier step on the same target made counts.
import { describe, expect, it } from 'vitest';
import { runbook, runbookProblems } from '../support/validate-text.js';

const steps = (...blocks: [string, string][]) => runbook(blocks.map(([attrs, code], i) => `## Step ${i + 1}\n\n\`\`\`sh {${attrs}}\n${code}\n\`\`\`\n`).join('\n'));

describe('advice on destructive sh steps', () => {
  it('warns at the destructive line of a step that does not ask first', () => {
    expect(runbookProblems(steps(['target=app', 'cd /srv/app\nrm -rf releases/1.2.0']))).toEqual([
      "13:1: warning: step 'Step 1': `rm -rf releases/1.2.0` deletes files and folders recursively (rm -r); add confirm to its block (e.g. ```sh {target=… confirm}) so the operator is asked before it runs",
    ]);
  });

  it('counts the other destructive commands of the step and reads inside sudo sh -c', () => {
    const [problem] = runbookProblems(steps(['target=app', `sudo sh -c 'iptables -F'\nsystemctl stop app`]));
    expect(problem).toMatch(/^12:1: warning: step 'Step 1': `sudo sh -c "iptables -F"` deletes firewall rules .* \(and 1 more destructive command in this step\)/);
  });

  it('says a command named by a variable cannot be read', () => {
    expect(runbookProblems(steps(['target=app', '$TOOL --purge']))).toEqual([
      "12:1: warning: step 'Step 1': `$TOOL --purge` runs a command named by $TOOL, which the script does not set to a fixed value: cannot tell what runs; add confirm to its block (e.g. ```sh {target=… confirm}) so the operator is asked before it runs",
    ]);
  });

  it('is quiet for a step marked confirm or mutates, and for harmless steps', () => {
    expect(runbookProblems(steps(['target=app confirm', 'systemctl stop app']))).toEqual([]);
    expect(runbookProblems(steps(['target=app mutates=events', 'sqlite3 /srv/pilot/events.db "DELETE FROM events"']))).toEqual([]);
    expect(runbookProblems(steps(['target=app', 'systemctl status app\nexec > >(tee -a /var/log/x.log)\ntmp=$(mktemp)\necho hi > "$tmp"\nrm -f "$tmp"']))).toEqual([]);
  });

  it('knows what an earlier step made on the same target, not on another', () => {
    const made: [string, string] = ['target=app', 'mkdir /srv/app/releases/{{ release }}'];
    const writes = 'date > /srv/app/releases/{{ release }}/STATUS';
    const inputs = 'inputs:\n  release:\n    type: string\n    pattern: "^[0-9.]+$"\n';
    const md = (second: string) => runbook(`## Make\n\n\`\`\`sh {${made[0]}}\n${made[1]}\n\`\`\`\n\n## Write\n\n\`\`\`sh {${second}}\n${writes}\n\`\`\`\n`, inputs);
    expect(runbookProblems(md('target=app'))).toEqual([]);
    expect(runbookProblems(md('target=local'))).toEqual([
      "22:1: warning: step 'Write': `> /srv/app/releases/input_release/STATUS` overwrites /srv/app/releases/input_release/STATUS (what it held is lost); add confirm to its block (e.g. ```sh {target=… confirm}) so the operator is asked before it runs",
    ]);
  });
});
