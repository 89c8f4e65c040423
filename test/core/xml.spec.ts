import assert from 'assert';
import { fromXml, parseXml, toXml, xs, XmlError } from '../../nodes/core/xml';

const NS = 'http://delivergo.net/portal/api';
const translation = xs.object({ LanguageToken: xs.string, Name: xs.string, Description: xs.string });
const unit = xs.object({ Id: xs.number, Guid: xs.string, Creator: xs.string, Created: xs.string, Modifier: xs.string, Modified: xs.string, Active: xs.boolean, ResaleUnitTranslation: xs.list('ResaleUnitTranslation', translation) });

const DOCUMENTED = `<ResaleUnit xmlns="http://delivergo.net/portal/api">
  <Id>1</Id>
  <Guid>97c4a982-be25-41d4-b8c3-8a6d9b3ba86f</Guid>
  <Creator>1186f976-8aae-4929-b6f2-3ce99553e248</Creator>
  <Created>2011-03-09T17:03:17.893</Created>
  <Modifier xsi:nil="true" />
  <Modified xsi:nil="true" />
  <Active>true</Active>
  <ResaleUnitTranslation>
    <ResaleUnitTranslation>
      <LanguageToken>DE</LanguageToken>
      <Name>Name</Name>
      <Description>Description</Description>
    </ResaleUnitTranslation>
  </ResaleUnitTranslation>
</ResaleUnit>`;

describe('core/xml: schema-typed XML <-> objects', () => {
  it('reads the documented example: typed by the schema, nil as null, the nested list as an array', () => {
    const doc = parseXml(DOCUMENTED.replace('<ResaleUnit xmlns', '<ResaleUnit xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns'));
    assert.strictEqual(doc.root, 'ResaleUnit');
    assert.deepStrictEqual(fromXml(doc.content, unit), {
      Id: 1,
      Guid: '97c4a982-be25-41d4-b8c3-8a6d9b3ba86f',
      Creator: '1186f976-8aae-4929-b6f2-3ce99553e248',
      Created: '2011-03-09T17:03:17.893',
      Modifier: null,
      Modified: null,
      Active: true,
      ResaleUnitTranslation: [{ LanguageToken: 'DE', Name: 'Name', Description: 'Description' }],
    });
  });

  it('keeps strings that look like numbers or booleans as strings', () => {
    const xml = toXml('ResaleUnit', { Active: false, ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: '007', Description: 'true' }] }, unit, { namespace: NS });
    const back = fromXml(parseXml(xml).content, unit) as { ResaleUnitTranslation: Array<{ Name: unknown; Description: unknown }>; Active: unknown };
    assert.strictEqual(back.ResaleUnitTranslation[0].Name, '007');
    assert.strictEqual(back.ResaleUnitTranslation[0].Description, 'true');
    assert.strictEqual(back.Active, false);
  });

  it('writes the shape of the documented add example: namespace, schema order, nested list, escaping, nil', () => {
    const xml = toXml('ResaleUnit', { ResaleUnitTranslation: [{ Description: 'A & <B>', Name: 'Name', LanguageToken: 'EN' }, { LanguageToken: 'DE', Name: 'Zwei' }], Active: false, Modifier: null }, unit, { namespace: NS });
    assert.match(xml, /^<\?xml version="1.0" encoding="utf-8"\?>\n<ResaleUnit xmlns="http:\/\/delivergo.net\/portal\/api" xmlns:xsi="http:\/\/www.w3.org\/2001\/XMLSchema-instance">/);
    assert.match(xml, /<Modifier xsi:nil="true"\/>\s*<Active>false<\/Active>\s*<ResaleUnitTranslation>\s*<ResaleUnitTranslation>\s*<LanguageToken>EN<\/LanguageToken>\s*<Name>Name<\/Name>\s*<Description>A &amp; &lt;B&gt;<\/Description>/);
    const back = fromXml(parseXml(xml).content, unit);
    assert.deepStrictEqual(back, { Modifier: null, Active: false, ResaleUnitTranslation: [{ LanguageToken: 'EN', Name: 'Name', Description: 'A & <B>' }, { LanguageToken: 'DE', Name: 'Zwei' }] });
  });

  it('reads a one-item list and an empty list as arrays, and prefixed namespaces', () => {
    const xml = '<a:R xmlns:a="urn:x"><a:L><a:I>x</a:I></a:L><a:E/></a:R>';
    assert.deepStrictEqual(fromXml(parseXml(xml).content, xs.object({ L: xs.list('I', xs.string), E: xs.list('I', xs.string) })), { L: ['x'], E: [] });
  });

  it('decodes character references and keeps unknown fields as strings', () => {
    const doc = parseXml('<R><Id>2</Id><Extra>caf&#233; &#x263A; &amp;</Extra></R>');
    assert.deepStrictEqual(fromXml(doc.content, xs.object({ Id: xs.number })), { Id: 2, Extra: 'café ☺ &' });
  });

  it('refuses a bad boolean or number with the path', () => {
    assert.throws(() => fromXml(parseXml('<R><Active>yes</Active></R>').content, unit), (e: Error) => e instanceof XmlError && /\$\.Active: expected true or false/.test(e.message));
    assert.throws(() => fromXml(parseXml('<R><Id>one</Id></R>').content, unit), /\$\.Id: expected a number/);
    assert.throws(() => toXml('R', { Active: 'true' }, unit), /R\.Active: expected true or false/);
  });

  it('refuses entity declarations (no billion laughs), malformed XML and prototype keys', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><R><Name>&b;</Name></R>';
    assert.throws(() => parseXml(bomb), /DOCTYPE/);
    assert.throws(() => parseXml('<R><Name></R>'), /not well-formed/);
    assert.throws(() => parseXml('<R><__proto__><polluted>1</polluted></__proto__></R>'), XmlError);
    assert.throws(() => parseXml(''), /empty/);
    const xml = toXml('R', JSON.parse('{"Id":1,"__proto__":{"polluted":"yes"}}'), unit);
    assert.ok(!xml.includes('polluted'));
    assert.strictEqual(({} as Record<string, unknown>).polluted, undefined);
  });
});
