// The one place that knows the Markdown parser (remark, CommonMark + YAML front matter).
import type { Root } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']);

export function parseMarkdown(text: string): Root {
  return processor.parse(text);
}

export type { Code, Heading, Root, RootContent, Yaml } from 'mdast';
