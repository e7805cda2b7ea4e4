// What a list shows of a runbook that has not been judged yet: the keys of its front matter
// that are valid on their own, read with the YAML parser alone (no Markdown, SQL or shell
// parser, which judging loads and runs). Judging reads the same keys again with every check;
// a glance never says whether the runbook is valid.
import { FrontMatter } from '../../contract/runbook.js';
import { parseYaml } from '../yaml.js';
import { frontMatterSpan } from './front-matter-span.js';

export interface FrontMatterGlance {
  id?: string;
  title?: string;
  version?: string;
  owner?: string;
  summary?: string;
  environments?: string[];
}

const LISTED = ['id', 'title', 'version', 'owner', 'summary', 'environments'] as const;

export function glanceAtFrontMatter(text: string): FrontMatterGlance {
  const span = frontMatterSpan(text);
  if (!span.ok) return {};
  const parsed = parseYaml(span.yaml);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) return {};
  const raw = parsed.value as Record<string, unknown>;
  const glance: Record<string, unknown> = {};
  for (const key of LISTED) {
    const checked = FrontMatter.shape[key].safeParse(raw[key]);
    if (checked.success && checked.data !== undefined) glance[key] = checked.data;
  }
  return glance as FrontMatterGlance;
}
