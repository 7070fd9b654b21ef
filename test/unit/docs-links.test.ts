import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The README and docs/ are read in a clone: every link must land inside the repository. */
const ROOT = join(import.meta.dirname, '..', '..');
const pages = ['README.md', ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.md')).map((file) => join('docs', file))];

function links(page: string): string[] {
  return [...readFileSync(join(ROOT, page), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
}

describe('the README and docs/', () => {
  it('link only to files that exist in the repository, and never outside it', () => {
    const broken = pages.flatMap((page) =>
      links(page)
        .map((link) => link.split('#')[0]!)
        .filter((target) => target !== '')
        .filter((target) => /^[a-z]+:/i.test(target) || !existsSync(join(ROOT, dirname(page), target)) || target.includes('../shared'))
        .map((target) => `${page} -> ${target}`),
    );

    expect(broken).toEqual([]);
  });

  it('finds the links it checks (control)', () => {
    expect(links('README.md').length).toBeGreaterThan(5);
  });
});
