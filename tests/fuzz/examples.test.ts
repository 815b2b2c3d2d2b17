import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { ContentSchema } from '../../shared/protocol/content';
import { PeerFrameSchema } from '../../shared/protocol/peer';
import { ClientSignalFrameSchema } from '../../shared/protocol/peerjs';
import { boundaries, variantTags } from './boundaries';
import { anyContext, contentExamples, peerFrameExamples, peerjsExamples } from './examples';

describe('fuzz examples', () => {
  it('are valid, so that each mutation starts from something the schema accepts', () => {
    for (const boundary of boundaries())
      for (const example of boundary.examples) {
        const result = v.safeParse(boundary.schema, example);
        expect({ boundary: boundary.name, issues: result.issues?.map((issue) => issue.message) }).toEqual({
          boundary: boundary.name,
          issues: undefined,
        });
      }
  });

  it('cover every variant of every frame schema', () => {
    const ctx = anyContext();
    expect(Object.keys(peerjsExamples(ctx)).sort()).toEqual(
      variantTags(ClientSignalFrameSchema, 'type').sort(),
    );
    expect(Object.keys(contentExamples(ctx)).sort()).toEqual(variantTags(ContentSchema, 'kind').sort());
    for (const kind of variantTags(PeerFrameSchema, 'kind'))
      expect(Object.keys(peerFrameExamples())).toContain(kind);
  });
});
