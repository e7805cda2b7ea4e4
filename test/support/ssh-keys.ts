// Real OpenSSH keys and a real ssh-agent for approval tests: ssh-keygen makes the keys,
// `ssh-agent -D` runs in the foreground on a socket in the test's folder, ssh-add loads it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './run-command.js';
import { until } from './until.js';

export type KeyKind = 'ed25519' | 'rsa' | 'ecdsa';

/** Makes `dir/name` and `dir/name.pub`; returns the private key's path. */
export async function makeKey(dir: string, name: string, kind: KeyKind = 'ed25519', passphrase = ''): Promise<string> {
  const path = join(dir, name);
  const bits = kind === 'rsa' ? ['-b', '3072'] : kind === 'ecdsa' ? ['-b', '256'] : [];
  const made = await runCommand('ssh-keygen', ['-q', '-t', kind, ...bits, '-N', passphrase, '-C', `${name}@test`, '-f', path]);
  if (made.code !== 0) throw new Error(`ssh-keygen failed: ${made.stderr}`);
  return path;
}

export interface Agent {
  socket: string;
  stop(): Promise<void>;
}

export async function startAgent(dir: string): Promise<Agent> {
  const socket = join(dir, 'agent.sock');
  const child: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  await until('ssh-agent created its socket', () => existsSync(socket));
  return {
    socket,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function addToAgent(agent: Agent, keyPath: string): Promise<void> {
  const added = await runCommand('ssh-add', ['-q', keyPath], { env: { ...process.env, SSH_AUTH_SOCK: agent.socket } });
  if (added.code !== 0) throw new Error(`ssh-add failed: ${added.stderr}`);
}
