import fc from 'fast-check';
import { canonicalJson, isWellFormedText } from './jcs';

/** IEEE-754 bit patterns and their canonical forms: RFC 8785 Appendix B. */
const APPENDIX_B: ReadonlyArray<readonly [string, string]> = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'], // -0
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
];

describe('canonicalJson (RFC 8785)', () => {
  it.each(APPENDIX_B)('serialises the double 0x%s as %s (Appendix B)', (bits, expected) => {
    expect(canonicalJson(Buffer.from(bits, 'hex').readDoubleBE(0))).toBe(expected);
  });

  it('serialises 1e-7 and -0 in ECMAScript form', () => {
    expect(canonicalJson([1e-7, -0, 1e21, 100, 0.5])).toBe('[1e-7,0,1e+21,100,0.5]');
  });

  it('canonicalises the §3.2.2 example (whitespace, numbers, escapes, literals)', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
    expect(canonicalJson(JSON.parse(input))).toBe(expected);
  });

  it('sorts member names by UTF-16 code units, not code points (§3.2.3)', () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`) as Record<string, string>;
    const expectedOrder: ReadonlyArray<readonly [string, string]> = [
      ['\r', 'Carriage Return'],
      ['1', 'One'],
      ['\u0080', 'Control'],
      ['\u00f6', 'Latin Small Letter O With Diaeresis'],
      ['\u20ac', 'Euro Sign'],
      ['\ud83d\ude00', 'Emoji: Grinning Face'], // surrogate pair: before U+FB33 in UTF-16 order
      ['\ufb33', 'Hebrew Letter Dalet With Dagesh'],
    ];
    const members = expectedOrder.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    expect(canonicalJson(input)).toBe(`{${members.join(',')}}`);
  });

  it('sorts nested objects and keeps array order', () => {
    expect(canonicalJson({ b: [{ z: 1, a: 2 }, 3], a: { d: null, c: 'x' } })).toBe(
      '{"a":{"c":"x","d":null},"b":[{"a":2,"z":1},3]}',
    );
  });

  it('skips undefined members as JSON.stringify does when the event is stored', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it.each([
    ['NaN', [Number.NaN]],
    ['Infinity', { x: Number.POSITIVE_INFINITY }],
    ['undefined in an array', [undefined]],
    ['a Date', { at: new Date(0) }],
    ['a bigint', { n: BigInt(1) }],
    ['a function', { f: () => 1 }],
  ])('refuses %s', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it.each([
    ['a lone high surrogate', { title: 't\ud800 x' }, '$.title'],
    ['a lone low surrogate at the start', ['\udc00'], '$[0]'],
    ['a high surrogate at the end', { a: { b: 'x\udbff' } }, '$.a.b'],
    ['two high surrogates in a row', { s: '\ud800\ud800\udc00' }, '$.s'],
    ['a member name', { n: { 'k\ud800': 1 } }, '$.n'],
  ])('refuses a string with an unpaired surrogate (§3.2.2.2, I-JSON): %s, naming where', (_label, value, where) => {
    expect(() => canonicalJson(value)).toThrow(`JCS: ${where} `);
    expect(() => canonicalJson(value)).toThrow(/unpaired UTF-16 surrogate/);
  });

  it('keeps surrogate pairs (characters beyond the BMP) as they are', () => {
    expect(canonicalJson({ s: '\ud83d\ude00 𠀀' })).toBe('{"s":"😀 𠀀"}');
    expect(isWellFormedText('😀𠀀')).toBe(true);
    expect(isWellFormedText('\ud83d')).toBe(false);
  });

  it('round-trips through JSON.parse and ignores member insertion order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('gives the same text whatever order the members were inserted in', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (dict) => {
        const reversed = Object.fromEntries(Object.entries(dict).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(dict));
      }),
    );
  });
});
