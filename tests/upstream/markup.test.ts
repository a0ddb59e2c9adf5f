import { describe, expect, test } from 'bun:test';
import { CardRegistry, CitationNumbering } from '../../src/upstream/grok/cards';
import { cleanMarkup, MarkupFilter, type MarkupOptions } from '../../src/upstream/grok/markup';

const TAGS = ['xaiartifact', 'xai:tool_usage_card', 'grok:render'];

function options(toolCardsAsText = false): MarkupOptions {
  const cards = new CardRegistry();
  cards.add(
    JSON.stringify({
      id: 'gen1',
      type: 'render_file',
      cardType: 'generated_image_card',
      image_chunk: { imageUuid: 'u1', imageUrl: 'users/1/generated/a/image.jpg', progress: 100, moderated: false },
    }),
  );
  cards.add({ id: 'cite1', type: 'render_inline_citation', cardType: 'citation_card', url: 'https://example.com/a' });
  cards.add({ id: 'cite2', url: 'https://example.com/b' });
  cards.add({
    id: 'img1',
    image: { title: 'A cat', original: 'https://img.example/cat.jpg', link: 'https://img.example/page' },
  });
  cards.add({ id: 'img2', image: { original: 'https://img.example/dog.jpg' } });
  return { tags: TAGS, cards, citations: new CitationNumbering(), toolCardsAsText };
}

function feedAll(pieces: string[], toolCardsAsText = false) {
  const filter = new MarkupFilter(options(toolCardsAsText));
  let text = '';
  const summaries: string[] = [];
  for (const piece of [...pieces.map((p) => filter.feed(p)), filter.flush()]) {
    text += piece.text;
    summaries.push(...piece.toolCards.map((card) => card.summary));
  }
  return { text, summaries };
}

const render = (id: string, type: string) =>
  `<grok:render card_id="${id}" card_type="x" type="${type}"><argument name="file_path">/home/a > b.jpg</argument></grok:render>`;
const toolCard =
  '<xai:tool_usage_card><xai:tool_usage_card_id>t1</xai:tool_usage_card_id><xai:tool_name>web_search</xai:tool_name><xai:tool_args><![CDATA[{"query":"grok release"}]]></xai:tool_args></xai:tool_usage_card>';

const SAMPLE =
  `Intro a<b and <i>x</i> ` +
  render('gen1', 'render_file') +
  `fact` +
  render('cite1', 'render_inline_citation') +
  render('cite1', 'render_inline_citation') +
  ` more` +
  render('cite2', 'render_inline_citation') +
  `.<xaiartifact id="1" title='t'>hidden {x} <b></xaiartifact>` +
  toolCard +
  `See` +
  render('img1', 'render_searched_image') +
  ` <grok:renderer> kept </GROK:RENDER > < end <gro`;

const EXPECTED =
  'Intro a<b and <i>x</i> fact[[1]](https://example.com/a) more[[2]](https://example.com/b).See\n' +
  '[![A cat](https://img.example/cat.jpg)](https://img.example/page) <grok:renderer> kept  < end <gro';

describe('MarkupFilter', () => {
  test('cleans the sample in one piece', () => {
    expect(feedAll([SAMPLE])).toEqual({ text: EXPECTED, summaries: ['[WebSearch] grok release'] });
  });

  test('every split into two tokens gives the same text', () => {
    for (let cut = 0; cut <= SAMPLE.length; cut++) {
      expect(feedAll([SAMPLE.slice(0, cut), SAMPLE.slice(cut)])).toEqual({
        text: EXPECTED,
        summaries: ['[WebSearch] grok release'],
      });
    }
  });

  test('every split into three tokens gives the same text', () => {
    const sample = `ab ${render('cite2', 'render_inline_citation')} c<xaiartifact>z</xaiartifact>d <e`;
    const expected = 'ab [[1]](https://example.com/b) cd <e';
    for (let first = 0; first <= sample.length; first++) {
      for (let second = first; second <= sample.length; second++) {
        const pieces = [sample.slice(0, first), sample.slice(first, second), sample.slice(second)];
        expect(feedAll(pieces).text).toBe(expected);
      }
    }
  });

  test('one character per token', () => {
    expect(feedAll([...SAMPLE])).toEqual({ text: EXPECTED, summaries: ['[WebSearch] grok release'] });
  });

  test('holds back only a possible tag start and releases ordinary text at once', () => {
    const filter = new MarkupFilter(options());
    expect(filter.feed('Hello <').text).toBe('Hello ');
    expect(filter.feed('3 world').text).toBe('<3 world');
    expect(filter.feed(' and <grok:ren').text).toBe(' and ');
    expect(filter.feed('der card_id="gen1" type="render_file"></grok:render>!').text).toBe('!');
    expect(filter.feed('<xai').text).toBe('');
    expect(filter.feed('z').text).toBe('<xaiz');
  });

  test('an element never closed is dropped at the end', () => {
    expect(feedAll(['Hi <xaiartifact>', 'never closed']).text).toBe('Hi ');
  });

  test('self-closing listed tags are removed', () => {
    expect(feedAll(['a<grok:render card_id="cite2" type="x"/>b']).text).toBe('a[[1]](https://example.com/b)b');
    expect(feedAll(['a<xaiartifact id="1" />b']).text).toBe('ab');
  });

  test('only listed tags are touched', () => {
    const filter = new MarkupFilter({ ...options(), tags: ['xaiartifact'] });
    const out = filter.feed(`${render('gen1', 'render_file')}<xaiartifact>x</xaiartifact>`);
    expect(out.text + filter.flush().text).toBe(render('gen1', 'render_file'));
  });

  test('a searched image without a link and title renders as a plain markdown image', () => {
    expect(feedAll(['Look:\n', render('img2', 'render_searched_image')]).text).toBe(
      'Look:\n![image](https://img.example/dog.jpg)',
    );
  });

  test('unknown cards render to nothing', () => {
    expect(feedAll(['a', render('missing', 'render_inline_citation'), 'b']).text).toBe('ab');
  });
});

describe('cleanMarkup (whole message)', () => {
  test('writes tool cards as summary lines', () => {
    const result = cleanMarkup(`Searching${toolCard}Done`, options(true));
    expect(result.text).toBe('Searching\n[WebSearch] grok release\nDone');
  });

  test('renders a whole modelResponse message', () => {
    expect(cleanMarkup(SAMPLE, options()).text).toBe(EXPECTED);
  });
});
