// Vitest globalSetup for the end-to-end project: the console they drive runs dist/ and
// serves renderer/dist, so both are brought up to date before any spec starts.
import { ensureDistBuilt } from '../../support/dist-build.js';
import { ensureRendererBuilt } from './renderer-build.js';

export default function setup(): void {
  ensureDistBuilt();
  ensureRendererBuilt();
}
