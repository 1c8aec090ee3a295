/**
 * Rich-text facets for a post Herald publishes: mentions, links and hashtags found in plain text, with
 * the UTF-8 byte ranges the record needs (JS strings index UTF-16 code units, so every offset is
 * converted). After the detection in bluesky-social/bsky-docs `docs/advanced-guides/post-richtext.md`.
 */
import { graphemeCount } from '../text-length.js';
import { FACET } from './schemas.js';

// atproto handle syntax (https://atproto.com/specs/handle): DNS labels, at least two, no trailing dot.
const HANDLE = /^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

export function isHandle(value: string): boolean {
  return value.length <= 253 && HANDLE.test(value);
}

export type FacetKind = 'mention' | 'link' | 'tag';

/** A facet found in the text, in UTF-16 indexes; `value` is the handle, URL or tag (without `#`). */
export interface DetectedFacet {
  readonly kind: FacetKind;
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

const MENTION = /(^|[\s(])@([a-zA-Z0-9.-]+)(\b)/g;
const LINK = /(^|[\s(])(https?:\/\/[^\s<>"]+)/gi;
const TAG = /(^|\s)[#＃]([^\s#＃]+)/gu;
const TRAILING_PUNCTUATION = /\p{P}+$/u;
const MAX_TAG_GRAPHEMES = 64;

function mentions(text: string): DetectedFacet[] {
  return [...text.matchAll(MENTION)].flatMap((match) => {
    const handle = match[2] ?? '';
    if (!isHandle(handle)) return [];
    const start = match.index + (match[1]?.length ?? 0);
    return [{ kind: 'mention' as const, start, end: start + 1 + handle.length, value: handle.toLowerCase() }];
  });
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

function links(text: string): DetectedFacet[] {
  return [...text.matchAll(LINK)].flatMap((match) => {
    let url = match[2] ?? '';
    // A sentence's full stop or a closing parenthesis around the link is not part of it.
    url = url.replace(/[.,;:!?'"]+$/, '');
    while (url.endsWith(')') && count(url, ')') > count(url, '(')) url = url.slice(0, -1);
    if (!URL.canParse(url)) return [];
    const start = match.index + (match[1]?.length ?? 0);
    return [{ kind: 'link' as const, start, end: start + url.length, value: url }];
  });
}

function tags(text: string): DetectedFacet[] {
  return [...text.matchAll(TAG)].flatMap((match) => {
    const tag = (match[2] ?? '').replace(TRAILING_PUNCTUATION, '');
    // "#1" is a number, not a tag; the lexicon caps a tag at 64 graphemes.
    if (tag === '' || /^\d+$/.test(tag) || graphemeCount(tag) > MAX_TAG_GRAPHEMES) return [];
    const start = match.index + (match[1]?.length ?? 0);
    return [{ kind: 'tag' as const, start, end: start + 1 + tag.length, value: tag }];
  });
}

/** Mentions, links and hashtags in `text`, in order, without overlaps (facets must not overlap). */
export function detectFacets(text: string): DetectedFacet[] {
  const found = [...links(text), ...mentions(text), ...tags(text)].sort((a, b) => a.start - b.start);
  const kept: DetectedFacet[] = [];
  for (const facet of found) {
    const last = kept.at(-1);
    if (!last || facet.start >= last.end) kept.push(facet);
  }
  return kept;
}

const encoder = new TextEncoder();

/** The UTF-8 byte offset of a UTF-16 index into `text`. */
export function utf8Offset(text: string, index: number): number {
  return encoder.encode(text.slice(0, index)).byteLength;
}

export function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}

/** An `app.bsky.richtext.facet` as the record carries it. */
export interface RecordFacet {
  readonly index: { readonly byteStart: number; readonly byteEnd: number };
  readonly features: ReadonlyArray<Readonly<Record<string, string>>>;
}

/**
 * The record's facets; a mention whose handle did not resolve (absent from `dids`) stays plain text,
 * as the Bluesky app does.
 */
export function toRecordFacets(
  text: string,
  detected: readonly DetectedFacet[],
  dids: ReadonlyMap<string, string>,
): RecordFacet[] {
  return detected.flatMap((facet): RecordFacet[] => {
    const index = { byteStart: utf8Offset(text, facet.start), byteEnd: utf8Offset(text, facet.end) };
    switch (facet.kind) {
      case 'link':
        return [{ index, features: [{ $type: FACET.link, uri: facet.value }] }];
      case 'tag':
        return [{ index, features: [{ $type: FACET.tag, tag: facet.value }] }];
      case 'mention': {
        const did = dids.get(facet.value);
        return did ? [{ index, features: [{ $type: FACET.mention, did }] }] : [];
      }
    }
  });
}
