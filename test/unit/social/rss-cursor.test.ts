import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BACKDATE_GRACE_MS,
  byRecency,
  FIRST_POLL_LIMIT,
  nextState,
  readCursor,
  SEEN_LIMIT,
  seenKey,
  selectNew,
  writeCursor,
  type CursorItem,
} from '../../../social/rss/cursor.js';
import type { RssCursorState } from '../../../social/rss/schemas.js';

const NOW = new Date('2026-09-02T12:00:00Z');
const HOUR = 60 * 60 * 1000;
const NO_VALIDATORS = { etag: undefined, lastModified: undefined };

const item = (id: string, hoursAgo?: number): CursorItem => ({
  id,
  publishedAt: hoursAgo === undefined ? undefined : new Date(NOW.getTime() - hoursAgo * HOUR),
});

/** A poll as the provider does it: recency window, selection, next state. */
function poll(feed: readonly CursorItem[], state: RssCursorState | null) {
  const recent = byRecency(feed);
  return {
    posts: selectNew(recent, state).map((i) => i.id),
    state: nextState(recent, state, NO_VALIDATORS, NOW),
  };
}

describe('choosing the new items of a feed', () => {
  it('GIVEN no cursor THEN the latest items are returned, at most the first-poll limit, newest first', () => {
    const feed = Array.from({ length: 30 }, (_, i) => item(`a${i}`, 30 - i));
    const { posts } = poll(feed, null);
    expect(posts).toHaveLength(FIRST_POLL_LIMIT);
    expect(posts[0]).toBe('a29');
    expect(posts).not.toContain('a9');
  });

  it('GIVEN a cursor THEN only items not returned before come back, whatever their position', () => {
    const first = poll([item('b', 2), item('a', 3)], null);
    const { posts } = poll([item('c', 1), item('b', 2), item('x', 2.5), item('a', 3)], first.state);
    expect(posts).toEqual(['c', 'x']);
  });

  it('GIVEN an unseen item dated well before the newest seen THEN it is not new (an old item whose id changed)', () => {
    const first = poll([item('a', 1)], null);
    const tooOld = 1 + BACKDATE_GRACE_MS / HOUR + 1;
    expect(poll([item('a', 1), item('renamed', tooOld)], first.state).posts).toEqual([]);
    expect(poll([item('a', 1), item('late', 20)], first.state).posts).toEqual(['late']);
  });

  it('GIVEN items without dates THEN the seen list alone tells new from old, in document order', () => {
    const first = poll([item('x'), item('y')], null);
    expect(first.posts).toEqual(['x', 'y']);
    expect(first.state.newest).toBeNull();
    expect(poll([item('z'), item('x'), item('y')], first.state).posts).toEqual(['z']);
  });

  it('GIVEN a date far in the future THEN it does not become the newest date', () => {
    const { state } = poll([item('bug', -24 * 365), item('a', 1)], null);
    expect(state.newest).toBe(new Date(NOW.getTime() - HOUR).toISOString());
  });

  it('GIVEN an id repeated in a feed THEN it is one item', () => {
    expect(poll([item('a', 1), item('a', 2), item('b', 3)], null).posts).toEqual(['a', 'b']);
  });

  it('GIVEN a long history THEN the seen list is bounded and always covers the current feed', () => {
    let state: RssCursorState | null = null;
    for (let round = 0; round < 5; round++) {
      const feed = Array.from({ length: 150 }, (_, i) => item(`r${round}-${i}`));
      state = poll(feed, state).state;
    }
    const seen = (state?.seen ?? '').split(' ');
    expect(seen).toHaveLength(SEEN_LIMIT);
    expect(seen.slice(0, 150)).toEqual(Array.from({ length: 150 }, (_, i) => seenKey(`r4-${i}`)));
    expect(JSON.stringify(state).length).toBeLessThan(3_000);
  });

  it('GIVEN a feed larger than the window THEN items beyond it are never reported', () => {
    const huge = Array.from({ length: 500 }, (_, i) => item(`h${i}`));
    const first = poll(huge, null);
    expect(poll(huge, first.state).posts).toEqual([]);
  });
});

describe('the cursor as stored', () => {
  it('GIVEN a state THEN it round-trips through a scalar-only Cursor', () => {
    const state: RssCursorState = {
      etag: '"abc"',
      lastModified: 'Tue, 01 Sep 2026 10:00:00 GMT',
      newest: NOW.toISOString(),
      seen: 'k1 k2',
      avatar: '',
    };
    const cursor = writeCursor(state);
    expect(
      Object.values(cursor).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v)),
    ).toBe(true);
    expect(readCursor(JSON.parse(JSON.stringify(cursor)) as typeof cursor)).toEqual(state);
  });

  it('GIVEN a cursor from another shape THEN unreadable fields fall back rather than fail', () => {
    expect(readCursor({ etag: 5, seen: 3, newest: 'not a date' })).toEqual({
      etag: null,
      lastModified: null,
      newest: null,
      seen: '',
    });
    expect(readCursor(null)).toBeNull();
  });

  it('GIVEN validators from the answer THEN they are kept for the next conditional GET', () => {
    const state = nextState(
      [item('a', 1)],
      null,
      { etag: 'W/"v1"', lastModified: 'Tue, 01 Sep 2026 10:00:00 GMT' },
      NOW,
    );
    expect(state).toMatchObject({
      etag: 'W/"v1"',
      lastModified: 'Tue, 01 Sep 2026 10:00:00 GMT',
      seen: seenKey('a'),
    });
  });
});

describe('polling a growing feed', () => {
  it('GIVEN any sequence of additions, dated or not THEN every added item is returned exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        (batches, dated) => {
          let next = 0;
          let feed: CursorItem[] = [];
          const add = (count: number) => {
            const fresh = Array.from({ length: count }, () => {
              next += 1;
              return {
                id: `i${next}`,
                publishedAt: dated ? new Date(NOW.getTime() + next * 60_000) : undefined,
              };
            });
            // Feeds list newest first and keep a sliding window of their latest items.
            feed = [...fresh.reverse(), ...feed].slice(0, 60);
            return fresh.map((i) => i.id);
          };
          add(5);
          let { state } = poll(feed, null);
          const returned: string[] = [];
          const expected: string[] = [];
          for (const count of batches) {
            expected.push(...add(count));
            const result = poll(feed, state);
            returned.push(...result.posts);
            state = result.state;
          }
          // Each batch is smaller than the feed's window, so every added item is in the feed at the next poll.
          expect([...returned].sort()).toEqual([...expected].sort());
        },
      ),
      { numRuns: 200 },
    );
  });
});
