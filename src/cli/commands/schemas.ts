import { join } from 'node:path';
import { writeJsonSchemas } from '../../app/json-schemas.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import { print } from '../output.js';

export async function schemasCommand(dir: string | undefined, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const written = await writeJsonSchemas(dir ?? join(settings.workspace, '.schemas'));
  for (const path of written) print(`wrote ${path}`);
  return 0;
}
