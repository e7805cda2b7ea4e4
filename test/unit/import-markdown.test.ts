// Importing Markdown runbooks: each rule on a small page, the draft read back by the runbook
// parser and judged by the validator, as `handrail validate` and the Run view would see it.
import { describe, expect, it } from 'vitest';
import { importMarkdown } from '../../src/core/authoring/import-markdown.js';
import { parseRunbook } from '../../src/core/runbook/parse-runbook.js';
import { runbookProblems } from '../support/validate-text.js';

const fence = (info: string, code: string) => `\`\`\`${info}\n${code}\n\`\`\``;

async function draftOf(page: string, name = 'page.md', target: string | undefined = 'app') {
  const imported = await importMarkdown(page, name, target ? { target } : {});
  const parsed = parseRunbook('draft.md', new TextEncoder().encode(imported.markdown));
  const runbook = parsed.runbook;
  if (!runbook) throw new Error(`the draft's front matter did not parse: ${JSON.stringify(parsed.problems)}\n${imported.markdown}`);
  const errors = runbookProblems(imported.markdown).filter((p) => !p.includes('warning:'));
  return { ...imported, runbook, steps: runbook.steps, errors, actions: runbook.steps.filter((s) => s.action).map((s) => s.action?.code ?? '') };
}

describe('importMarkdown: front matter', () => {
  it('makes id, title and version for Handrail and keeps the page’s other keys as text', async () => {
    const page = `---\ntitle: Kube Pod Crash Looping\nweight: 20\ndescription: A pod restarts again and again.\n---\n\n# KubePodCrashLooping\n\n## Check\n\n${fence('sh', 'kubectl get pods')}\n`;
    const { runbook, errors, markdown, warnings } = await draftOf(page, 'KubePodCrashLooping.md');
    expect(errors).toEqual([]);
    expect(runbook.frontMatter).toMatchObject({ id: 'kube-pod-crash-looping', title: 'Kube Pod Crash Looping', version: '0.1.0', summary: 'A pod restarts again and again.' });
    expect(runbook.intro).toContain('weight: 20');
    expect(warnings).toContainEqual(expect.stringContaining('weight'));
    expect(markdown.match(/^# [A-Z]/gm)).toEqual(['# K']);
    expect(runbook.intro).toContain('KubePodCrashLooping');
  });

  it('takes the page’s owner as the runbook’s owner', async () => {
    const page = `---\ntitle: Redis out of memory\nowner: sre-team\ntags: [redis]\n---\n\n## Check\n\n${fence('sh', 'redis-cli info memory')}\n`;
    const { runbook, errors, markdown, warnings } = await draftOf(page, 'redis-oom.md');
    expect(errors).toEqual([]);
    expect(runbook.frontMatter).toMatchObject({ owner: 'sre-team' });
    expect(markdown).not.toContain('# owner:');
    expect(markdown).not.toContain('Fill in `owner:`');
    expect(warnings).toContainEqual(expect.stringContaining('key tags has no meaning'));
    expect(warnings.join('\n')).not.toMatch(/\bowner\b.*no meaning/);
  });

  it('keeps an owner that is not one name as the page’s text, and still asks for one', async () => {
    const page = `---\ntitle: Full disk\nowner: [storage, sre]\n---\n\n## Check\n\n${fence('sh', 'df -h')}\n`;
    const { runbook, errors, markdown } = await draftOf(page, 'full-disk.md');
    expect(errors).toEqual([]);
    expect(runbook.frontMatter.owner).toBeUndefined();
    expect(runbook.intro).toContain('owner: ["storage","sre"]');
    expect(markdown).toContain('Fill in `owner:`');
  });

  it('takes the title from the H1 when the page has no front matter', async () => {
    const { runbook } = await draftOf(`# Disk full on the build host\n\n## Look\n\n${fence('bash', 'df -h')}\n`, 'disk-full.md');
    expect(runbook.frontMatter).toMatchObject({ id: 'disk-full', title: 'Disk full on the build host' });
  });
});

describe('importMarkdown: which blocks run', () => {
  it('makes sh, bash, shell, zsh and console blocks actions, and an unlabelled block that reads as a command', async () => {
    const page = ['sh', 'bash', 'shell', 'zsh', 'console', ''].map((lang, i) => `## Step ${i}\n\n${fence(lang, `uptime # ${lang || 'none'}`)}\n`).join('\n');
    const { actions, errors } = await draftOf(page);
    expect(errors).toEqual([]);
    expect(actions).toEqual(['uptime # sh', 'uptime # bash', 'uptime # shell', 'uptime # zsh', 'uptime # console', 'uptime # none']);
  });

  it('keeps promql, yaml, json, text and unlabelled non-commands as documentation, with their languages', async () => {
    const page = [
      '## Look',
      fence('promql', 'rate(http_requests_total{code="500"}[5m])'),
      fence('yaml', 'apiVersion: v1\nkind: Pod'),
      fence('json', '{"a": 1}'),
      fence('', 'NAME    READY   STATUS\nweb-1   1/1     Running'),
      fence('', 'apiVersion: v1'),
      fence('bash', 'kubectl get pods'),
    ].join('\n\n');
    const { steps, errors } = await draftOf(page);
    expect(errors).toEqual([]);
    expect(steps).toHaveLength(1);
    expect(steps[0]?.action?.code).toBe('kubectl get pods');
    for (const kept of ['```promql\nrate(http_requests_total{code="500"}[5m])\n```', '```yaml\napiVersion: v1\nkind: Pod\n```', '```json\n{"a": 1}\n```', 'web-1   1/1     Running', '```\napiVersion: v1\n```']) {
      expect(steps[0]?.prose).toContain(kept);
    }
  });

  it('strips $ prompts and keeps what follows a prompt as example output, not run', async () => {
    const page = `## Pods\n\n${fence('console', '$ kubectl get pods \\\n    -n shop\nNAME    READY   STATUS\nweb-1   1/1     Running\n$ kubectl top pods -n shop\nweb-1   3m   40Mi')}\n`;
    const { steps, errors } = await draftOf(page);
    expect(errors).toEqual([]);
    expect(steps[0]?.action?.code).toBe('kubectl get pods \\\n    -n shop\nkubectl top pods -n shop');
    expect(steps[0]?.prose).toContain('Example output (from the page; not run):');
    expect(steps[0]?.prose).toContain('web-1   1/1     Running');
    expect(steps[0]?.prose).toContain('web-1   3m   40Mi');
  });

  it('reads `# ` as a root prompt in a console block without $ prompts, and as a comment in a bash block', async () => {
    const { actions } = await draftOf(`## Root\n\n${fence('console', '# systemctl status shop\n● shop.service - Shop\n   Active: active (running)')}\n\n## Bash\n\n${fence('bash', '# the service first\nsystemctl status shop')}\n`);
    expect(actions).toEqual(['systemctl status shop', '# the service first\nsystemctl status shop']);
  });

  it('makes several runnable blocks under one heading consecutive steps, titled by the text that leads into each', async () => {
    const page = `## Diagnosis\n\nFind the pods:\n\n1. List them:\n\n   ${fence('bash', '$ kubectl get pods').replace(/\n/g, '\n   ')}\n\n2. Describe the first one:\n\n   ${fence('bash', '$ kubectl describe pod web-1').replace(/\n/g, '\n   ')}\n\nThat is all.\n`;
    const { steps, errors } = await draftOf(page);
    expect(errors).toEqual([]);
    expect(steps.map((s) => [s.title, s.action?.code])).toEqual([
      ['Diagnosis', 'kubectl get pods'],
      ['Describe the first one', 'kubectl describe pod web-1'],
    ]);
    expect(steps[0]?.prose).toContain('Find the pods:');
    expect(steps[1]?.prose).toContain('2. Describe the first one:');
    expect(steps[1]?.prose).toContain('That is all.');
  });

  it('makes a block before the first ## heading a step, and keeps the text above it as the introduction', async () => {
    const page = `# Restart the shop\n\nUse this when the shop hangs.\n\nFirst stop it:\n\n${fence('sh', 'systemctl restart shop')}\n\n## Check\n\n${fence('sh', 'systemctl is-active shop')}\n`;
    const { runbook, steps, errors } = await draftOf(page);
    expect(errors).toEqual([]);
    expect(runbook.intro).toContain('Use this when the shop hangs.');
    expect(steps.map((s) => [s.title, s.action?.code])).toEqual([
      ['First stop it', 'systemctl restart shop'],
      ['Check', 'systemctl is-active shop'],
    ]);
  });

  it('notes bash-only syntax, since steps run with /bin/sh', async () => {
    const { steps } = await draftOf(`## Loop\n\n${fence('bash', 'diff <(ls /tmp) <(ls /var/tmp)')}\n\n## Plain\n\n${fence('bash', 'ls /tmp')}\n`);
    expect(steps[0]?.prose).toMatch(/> \*\*Note:\*\* This block uses bash-only syntax \(.*\), and Handrail runs `sh` blocks with \/bin\/sh/);
    expect(steps[1]?.prose).not.toContain('bash-only');
  });

  it('flags a destructive command as the script importer does: confirm and a warning', async () => {
    const { steps, warnings, errors } = await draftOf(`## Clean\n\n${fence('bash', 'kubectl delete pod web-1 -n shop')}\n`);
    expect(errors).toEqual([]);
    expect(steps[0]?.action?.attributes.confirm).toBe(true);
    expect(steps[0]?.prose).toMatch(/> \*\*Warning:\*\* line 1: `kubectl delete pod web-1 -n shop` .*kubectl delete/);
    expect(warnings).toContainEqual(expect.stringMatching(/^step 1 "Clean": line 1: .*asks for confirmation$/));
  });
});

describe('importMarkdown: placeholders become inputs', () => {
  it.each([
    ['<pod-name>', 'kubectl logs <pod-name>', 'pod_name', 'kubectl logs {{ pod_name }}'],
    ['[cluster]', 'oc login [cluster]', 'cluster', 'oc login {{ cluster }}'],
    ['YOUR_TOKEN', 'curl -H "Authorization: Bearer YOUR_TOKEN" https://api.example.net', 'token', 'curl -H "Authorization: Bearer {{ token }}" https://api.example.net'],
    ['$NAMESPACE', 'kubectl get pods -n $NAMESPACE', 'namespace', 'kubectl get pods -n {{ namespace }}'],
    ['${POD}', 'kubectl describe pod "${POD}"', 'pod', 'kubectl describe pod "{{ pod }}"'],
  ])('%s becomes a declared input, and the draft validates', async (_form, command, input, code) => {
    const { runbook, actions, errors } = await draftOf(`## Run\n\n${fence('bash', command)}\n`);
    expect(errors).toEqual([]);
    expect(actions).toEqual([code]);
    expect(Object.keys(runbook.frontMatter.inputs ?? {})).toEqual([input]);
  });

  it('replaces <name> before the shell reads it (it would be a redirect), also inside single quotes', async () => {
    const { actions, errors } = await draftOf(`## Node\n\n${fence('bash', "kubectl get pod <pod> -o jsonpath='{.items[?(@.name==\"<pod>\")]}'")}\n`);
    expect(errors).toEqual([]);
    expect(actions).toEqual([`kubectl get pod {{ pod }} -o jsonpath='{.items[?(@.name=="'"{{ pod }}"'")]}'`]);
  });

  it('names the input after the variable when the page writes VAR=\'<what>\'', async () => {
    const { runbook, actions } = await draftOf(`## PVC\n\n${fence('console', "$ PVC_NAME='<persistentvolumeclaim label from alert>'\n$ oc describe pvc $PVC_NAME")}\n`);
    expect(actions).toEqual(['PVC_NAME={{ pvc_name }}\noc describe pvc $PVC_NAME']);
    expect(runbook.frontMatter.inputs?.pvc_name?.description).toContain('persistentvolumeclaim label from alert');
  });

  it('makes a token a secret input', async () => {
    const { runbook, errors } = await draftOf(`## Call\n\n${fence('bash', 'curl -H "X-Token: $API_TOKEN" https://api.example.net')}\n`);
    expect(errors).toEqual([]);
    expect(runbook.frontMatter.inputs?.api_token).toMatchObject({ secret: true });
  });

  it('sets a variable from its input at the top of the step where a placeholder cannot stand', async () => {
    const { actions, errors } = await draftOf(`## Scale\n\n${fence('bash', 'kubectl scale deploy web --replicas=$(( $REPLICAS + 1 ))')}\n`);
    expect(errors).toEqual([]);
    expect(actions).toEqual(['export REPLICAS={{ replicas }}\nkubectl scale deploy web --replicas=$(( $REPLICAS + 1 ))']);
  });

  it('keeps Go templates as the page wrote them, without reading them as placeholders', async () => {
    const { errors, steps } = await draftOf(`## Names\n\n${fence('bash', "kubectl get pods -o go-template='{{range .items}}{{.metadata.name}} {{end}}'")}\n`);
    expect(errors).toEqual([]);
    expect(steps[0]?.action?.code).toBe("kubectl get pods -o go-template='{''{range .items}''}{''{.metadata.name}''} {''{end}''}'");
  });
});

describe('importMarkdown: variables across steps', () => {
  it('carries what a block exports into the later steps that use it, and asks for nothing the page sets', async () => {
    const page = `## Find\n\n${fence('bash', '$ export NAMESPACE="$(kubectl get kubevirt -A -o custom-columns="":.metadata.namespace)"')}\n\n## Look\n\n${fence('bash', '$ kubectl get pods -n $NAMESPACE')}\n\n## Other\n\n${fence('bash', '$ uptime')}\n`;
    const { runbook, actions, errors } = await draftOf(page);
    expect(errors).toEqual([]);
    expect(runbook.frontMatter.inputs).toBeUndefined();
    expect(actions).toEqual([
      'export NAMESPACE="$(kubectl get kubevirt -A -o custom-columns="":.metadata.namespace)"',
      'export NAMESPACE="$(kubectl get kubevirt -A -o custom-columns="":.metadata.namespace)"\nkubectl get pods -n $NAMESPACE',
      'uptime',
    ]);
  });
});

describe('importMarkdown: commands that need a terminal become manual steps', () => {
  it.each([
    ['kubectl exec -it web-1 -- sh', 'asks for a terminal'],
    ['oc -n shop rsh web-1', 'opens a shell in the pod'],
    ['tail -f /var/log/shop.log', 'follows the file'],
    ['watch kubectl get pods', 'repeats until stopped'],
    ['kubectl logs -f web-1', 'follows the log'],
    ['psql -h db.example.net shop', 'opens an interactive console'],
    ['sudo -u postgres psql', 'opens an interactive console'],
    ['virtctl console vm-1', 'opens a console'],
  ])('%s', async (command, why) => {
    const { steps, errors } = await draftOf(`## Look\n\n${fence('bash', command)}\n`);
    expect(errors).toEqual([]);
    expect(steps[0]?.action).toBeUndefined();
    expect(steps[0]?.prose).toContain(`\`\`\`text\n${command}\n\`\`\``);
    expect(steps[0]?.prose).toContain(why);
  });

  it('flags a destructive command in a manual step, which nothing asks to confirm', async () => {
    const page = `## Restart\n\n${fence('shell', 'sudo systemctl restart redis-server\ntail -f /var/log/redis/redis-server.log')}\n\n## Look\n\n${fence('bash', 'watch kubectl get pods')}\n`;
    const { steps, errors, warnings } = await draftOf(page);
    expect(errors).toEqual([]);
    expect(steps[0]?.action).toBeUndefined();
    expect(steps[0]?.prose).toMatch(/> \*\*Warning:\*\* line 1: `sudo systemctl restart redis-server` [^\n]*restart/);
    expect(warnings).toContainEqual(expect.stringMatching(/^step 1 "Restart" \(manual\): line 1: `sudo systemctl restart redis-server` .*check it before you run it by hand$/));
    expect(steps[1]?.prose).not.toContain('Warning');
  });

  it('names the command as the page wrote it, quotes kept', async () => {
    const { steps, warnings } = await draftOf(`## Ask\n\n${fence('bash', 'read -p "Told the team? [y/N] " ans')}\n`);
    expect(steps[0]?.action).toBeUndefined();
    expect(steps[0]?.prose).toContain('`read -p "Told the team? [y/N] " ans` waits for typed input');
    expect(warnings).toContainEqual(expect.stringContaining('`read -p "Told the team? [y/N] " ans` waits for typed input'));
  });

  it('runs a database client that is given its SQL', async () => {
    const { actions } = await draftOf(`## Count\n\n${fence('bash', "psql -h db -c 'SELECT count(*) FROM orders'")}\n\n## Feed\n\n${fence('bash', 'psql -h db <<EOF\nSELECT 1;\nEOF')}\n`);
    expect(actions).toHaveLength(2);
  });
});

describe('importMarkdown: Runme attributes', () => {
  it('maps interactive and background to manual steps, excludeFromRunAll to confirm, cwd to a cd, name to the title', async () => {
    const page = [
      '# Notebook',
      'Set up:',
      fence('sh {"name":"build-image","cwd":"ops/images","id":"01HF7"}', 'docker build -t shop .'),
      'Then:',
      fence('sh {"name":"shell","interactive":"true"}', './configure.sh'),
      'And:',
      fence('sh {"name":"serve","background":"true"}', 'python3 -m http.server'),
      'Last:',
      fence('sh {"excludeFromRunAll":"true","name":"push-image"}', 'docker push shop'),
      '## Done',
      'Tell the team.',
    ].join('\n\n');
    const { steps, errors } = await draftOf(page);
    expect(errors).toEqual([]);
    expect(steps.map((s) => [s.title, s.action?.code ?? null, s.action?.attributes.confirm ?? null])).toEqual([
      ['Build-image', "cd -- 'ops/images' || exit 1\ndocker build -t shop .", false],
      ['Shell', null, null],
      ['Serve', null, null],
      ['Push-image', 'docker push shop', true],
      ['Done', null, null],
    ]);
    expect(steps[1]?.prose).toContain('interactive');
    expect(steps[2]?.prose).toContain('background');
    expect(steps[0]?.prose).toContain('`id=01HF7`');
  });

  it('takes the notebook’s own cwd (front matter) for blocks without one', async () => {
    const { actions } = await draftOf(`---\nrunme:\n  id: 01HF7\ncwd: ops\n---\n\n## Build\n\n${fence('sh', 'make')}\n\n## Here\n\n${fence('sh {"cwd":"."}', 'ls')}\n`);
    expect(actions).toEqual(["cd -- 'ops' || exit 1\nmake", "cd -- '.' || exit 1\nls"]);
  });

  it('reads the older {name=x} form too', async () => {
    const { steps } = await draftOf(`Intro.\n\n${fence('sh { name=check-disk }', 'df -h')}\n`);
    expect(steps[0]?.title).toBe('Check-disk');
  });
});

describe('importMarkdown: nothing of the page is lost', () => {
  it('keeps every paragraph, command and output line of the page in the draft', async () => {
    const page = `---\ntitle: Full disk\nowner_team: storage\n---\n\n# Full disk\n\nWhen /var fills up.\n\n## Meaning\n\nThe disk is full.\n\n## Diagnosis\n\nLook first:\n\n${fence('console', '$ df -h /var\nFilesystem  Size  Used Avail Use%\n/dev/sda1   50G   50G     0 100%')}\n\nThen:\n\n${fence('yaml', 'threshold: 90')}\n\n## Mitigation\n\n${fence('bash', 'journalctl --vacuum-size=500M')}\n\nCall storage if it fills again.\n`;
    const { markdown, errors } = await draftOf(page);
    expect(errors).toEqual([]);
    for (const line of page.split('\n').filter((l) => l.trim() !== '' && !/^(---|```|# Full disk)/.test(l))) {
      expect(markdown).toContain(line.replace(/^\$ /, '').replace(/^owner_team: storage$/, 'owner_team: "storage"').replace(/^title: /, 'title: '));
    }
  });
});

describe('importMarkdown: what a page shows, not runs', () => {
  it('keeps a shell block introduced as output as documentation', async () => {
    const { steps } = await draftOf(`## Check\n\n${fence('bash', 'crio status config')}\n\nExample output:\n\n${fence('bash', 'default_runtime = "crun"')}\n`);
    expect(steps.map((s) => s.action?.code)).toEqual(['crio status config']);
    expect(steps[0]?.prose).toContain('default_runtime = "crun"');
  });

  it('makes a command typed at another shell’s root prompt after a session-opening command a manual step', async () => {
    const page = `## Debug\n\n${fence('bash', '$ oc debug node/<node>')}\n\nThen:\n\n${fence('bash', 'sh-5.1# crio status config')}\n\n## Elsewhere\n\n${fence('bash', '$ oc get nodes')}\n`;
    const { steps, errors } = await draftOf(page);
    expect(errors).toEqual([]);
    expect(steps.map((s) => [s.title, s.action?.code ?? null])).toEqual([
      ['Debug', null],
      ['Then', null],
      ['Elsewhere', 'oc get nodes'],
    ]);
    expect(steps[1]?.prose).toContain('inside the session an earlier step opens');
  });
});
