/**
 * PostGreen's documented reads that have no node of their own, for the
 * operation node: the option catalogues, a job's selectable delivery options,
 * its pack groups. Names are part of the contract (flows name them in
 * `msg.operation`). Examples work against the sandbox, whose job
 * `JOB_SAMPLE` always exists (one pack group eligible, one not).
 */
import { OperationSpec } from '../../core/capabilities';
import { invalidInput } from '../../core/errors';
import { PostgreenClient } from './client';
import { jobIdsFrom } from './jobs';
import { packGroupSummary } from './parse';
import { catalogueView, OptionLookup } from './profile';
import { PostgreenSelectableOptions } from './types';

/** The sandbox's always-present job, for the examples. */
export const SAMPLE_JOB_ID = 'JOB_SAMPLE';

function oneJobId(input: unknown): string {
  const ids = jobIdsFrom(input, 'msg.payload');
  if (ids.length !== 1) throw invalidInput('msg.payload', `give one job id, not ${ids.length}`, 'postgreen');
  return ids[0];
}

/** Nothing to give: anything but a value that looks like a mistake (a job id) is accepted and ignored. */
function noInput(input: unknown): undefined {
  if (typeof input === 'string' && input.trim() !== '' && !/^\d+$/.test(input)) {
    throw invalidInput('msg.payload', 'this operation takes no input (leave msg.payload empty); to read a job, choose checkOptions or packGroups', 'postgreen');
  }
  return undefined;
}

/** `selectableOptions` with option type names and values instead of ids, where the catalogue knows them. */
export function selectableByName(selectable: PostgreenSelectableOptions, lookup: OptionLookup): Record<string, Record<string, Record<string, Record<string, string[]>>>> {
  const out: Record<string, Record<string, Record<string, Record<string, string[]>>>> = {};
  for (const [pack, channels] of Object.entries(selectable)) {
    out[pack] = {};
    for (const [channel, files] of Object.entries(channels)) {
      out[pack][channel] = {};
      for (const [file, types] of Object.entries(files)) {
        const named: Record<string, string[]> = {};
        for (const [typeId, ids] of Object.entries(types)) {
          const type = lookup.type(typeId);
          named[type?.name ?? typeId] = (Array.isArray(ids) ? ids : []).map((id) => lookup.option(id)?.value ?? String(id));
        }
        out[pack][channel][file] = named;
      }
    }
  }
  return out;
}

/** Each operation typed by what its prepare returns, listed together. */
const op = <P>(spec: OperationSpec<PostgreenClient, P>): OperationSpec<PostgreenClient> => spec as OperationSpec<PostgreenClient>;

export const POSTGREEN_OPERATIONS: ReadonlyArray<OperationSpec<PostgreenClient>> = [
  op({
    name: 'optionTypes',
    call: 'GET /options/type',
    changes: false,
    label: { 'en-US': 'option types', de: 'Optionstypen', nl: 'optietypes', fr: "types d'option" },
    description: {
      'en-US': "The channel option types of the platform (print_mode, print_color, envelope type...), with their ids. Production and test instances use different ids. Read with GET; a platform that refuses GET (405, 404 or 501) is asked with POST (its documentation shows both).",
      de: 'Die Optionstypen der Kanäle (print_mode, print_color, Umschlagtyp ...) mit ihren IDs. Produktions- und Testinstanz haben verschiedene IDs. Gelesen mit GET; lehnt die Plattform GET ab (405, 404 oder 501), wird POST verwendet (ihre Dokumentation zeigt beides).',
      nl: 'De optietypes van de kanalen (print_mode, print_color, enveloptype ...) met hun ids. Productie- en testomgeving gebruiken andere ids. Gelezen met GET; weigert het platform GET (405, 404 of 501), dan met POST (de documentatie toont beide).',
      fr: "Les types d'option des canaux (print_mode, print_color, type d'enveloppe...) avec leurs identifiants. Production et test n'ont pas les mêmes identifiants. Lu en GET ; si la plateforme refuse le GET (405, 404 ou 501), en POST (sa documentation montre les deux).",
    },
    input: { 'en-US': 'Nothing (msg.payload is not used).', de: 'Nichts (msg.payload wird nicht verwendet).', nl: 'Niets (msg.payload wordt niet gebruikt).', fr: "Rien (msg.payload n'est pas utilisé)." },
    output: {
      'en-US': 'msg.payload: [{id, name}] as the platform sent them (ids keep their type). msg.optionTypesByName: {name: id}.',
      de: 'msg.payload: [{id, name}] wie von der Plattform gesendet (IDs behalten ihren Typ). msg.optionTypesByName: {Name: ID}.',
      nl: 'msg.payload: [{id, name}] zoals het platform ze stuurde (ids houden hun type). msg.optionTypesByName: {naam: id}.',
      fr: 'msg.payload : [{id, name}] tels que la plateforme les envoie (les identifiants gardent leur type). msg.optionTypesByName : {nom: id}.',
    },
    example: null,
    prepare: noInput,
    async run(client, _prepared, signal) {
      const types = await client.optionTypes(signal);
      const byName: Record<string, unknown> = {};
      for (const t of types) if (!['__proto__', 'constructor', 'prototype'].includes(t.name)) byName[t.name] = t.id;
      return { payload: types, fields: { optionTypesByName: byName } };
    },
  }),
  op({
    name: 'options',
    call: 'GET /options, GET /options/type',
    changes: false,
    label: { 'en-US': 'options', de: 'Optionen', nl: 'opties', fr: 'options' },
    description: {
      'en-US': 'Every option value (1SIDE, 2SIDE, BW...) with its id and its option type, and the catalogue by name. "Options are not meant to change every week": create delivery reads them once per account; this operation reads them afresh.',
      de: 'Alle Optionswerte (1SIDE, 2SIDE, BW ...) mit ID und Optionstyp, dazu der Katalog nach Namen. Optionen ändern sich selten: create delivery liest sie einmal pro Konto, diese Operation liest sie neu.',
      nl: 'Alle optiewaarden (1SIDE, 2SIDE, BW ...) met hun id en optietype, en de catalogus op naam. Opties veranderen zelden: create delivery leest ze eenmaal per account; deze operatie leest ze opnieuw.',
      fr: 'Toutes les valeurs d\'option (1SIDE, 2SIDE, BW...) avec leur identifiant et leur type, et le catalogue par nom. Les options changent rarement : create delivery les lit une fois par compte ; cette opération les relit.',
    },
    input: { 'en-US': 'Nothing (msg.payload is not used).', de: 'Nichts (msg.payload wird nicht verwendet).', nl: 'Niets (msg.payload wordt niet gebruikt).', fr: "Rien (msg.payload n'est pas utilisé)." },
    output: {
      'en-US': 'msg.payload: [{id, value, typeId}] (ids as the platform sent them). msg.optionsByName: {print_mode: {typeId, values: {"2SIDE": id}}}. msg.optionTypes: the types.',
      de: 'msg.payload: [{id, value, typeId}] (IDs wie gesendet). msg.optionsByName: {print_mode: {typeId, values: {"2SIDE": ID}}}. msg.optionTypes: die Typen.',
      nl: 'msg.payload: [{id, value, typeId}] (ids zoals verzonden). msg.optionsByName: {print_mode: {typeId, values: {"2SIDE": id}}}. msg.optionTypes: de types.',
      fr: 'msg.payload : [{id, value, typeId}] (identifiants tels qu\'envoyés). msg.optionsByName : {print_mode: {typeId, values: {"2SIDE": id}}}. msg.optionTypes : les types.',
    },
    example: null,
    prepare: noInput,
    async run(client) {
      const view = catalogueView(await client.optionCatalogue(true));
      return { payload: view.options, fields: { optionsByName: view.optionsByName, optionTypes: view.optionTypes } };
    },
  }),
  op({
    name: 'checkOptions',
    call: 'POST /deliveries/CheckOptions?jobId=…',
    changes: false,
    label: { 'en-US': 'check delivery options', de: 'Zustelloptionen prüfen', nl: 'leveringsopties controleren', fr: "vérifier les options de livraison" },
    description: {
      'en-US': 'The options a job\'s pack groups can be delivered with, per pack group, channel label and output file. A read (it creates nothing), sent as POST as documented. Pack groups that are NOT_ELIGIBLE or already delivered are not offered.',
      de: 'Die Optionen, mit denen die Pack-Gruppen eines Jobs zugestellt werden können, je Pack-Gruppe, Kanal-Label und Ausgabedatei. Ein Lesezugriff (legt nichts an), wie dokumentiert als POST gesendet. NOT_ELIGIBLE oder bereits zugestellte Pack-Gruppen fehlen.',
      nl: 'De opties waarmee de packgroepen van een job geleverd kunnen worden, per packgroep, kanaallabel en uitvoerbestand. Een leesactie (maakt niets aan), zoals gedocumenteerd als POST. NOT_ELIGIBLE of al geleverde packgroepen ontbreken.',
      fr: "Les options avec lesquelles les groupes de plis d'un job peuvent être livrés, par groupe, libellé de canal et fichier de sortie. Une lecture (ne crée rien), envoyée en POST comme documenté. Les groupes NOT_ELIGIBLE ou déjà livrés n'y figurent pas.",
    },
    input: { 'en-US': 'The job id, {jobId} or the output of create job.', de: 'Die Job-ID, {jobId} oder die Ausgabe von create job.', nl: 'Het job-id, {jobId} of de uitvoer van create job.', fr: "L'identifiant du job, {jobId} ou la sortie de create job." },
    output: {
      'en-US': 'msg.payload: selectableOptions[packId][channelLabel][outputFile][optionTypeId] = [optionId]. msg.selectableByName: the same with option names and values. msg.packGroupIds: the deliverable pack groups. msg.channels: the channel labels. msg.jobId.',
      de: 'msg.payload: selectableOptions[packId][Kanal-Label][Ausgabedatei][Optionstyp-ID] = [Options-ID]. msg.selectableByName: dasselbe mit Namen und Werten. msg.packGroupIds: die zustellbaren Pack-Gruppen. msg.channels: die Kanal-Labels. msg.jobId.',
      nl: 'msg.payload: selectableOptions[packId][kanaallabel][uitvoerbestand][optietype-id] = [optie-id]. msg.selectableByName: hetzelfde met namen en waarden. msg.packGroupIds: de leverbare packgroepen. msg.channels: de kanaallabels. msg.jobId.',
      fr: "msg.payload : selectableOptions[packId][libellé de canal][fichier de sortie][id de type] = [id d'option]. msg.selectableByName : la même chose avec noms et valeurs. msg.packGroupIds : les groupes livrables. msg.channels : les libellés de canal. msg.jobId.",
    },
    example: SAMPLE_JOB_ID,
    prepare: oneJobId,
    async run(client, jobId, signal) {
      const [selectable, lookup] = await Promise.all([client.checkOptions(jobId, signal), client.optionLookup()]);
      const channels = [...new Set(Object.values(selectable).flatMap((c) => Object.keys(c)))];
      return { payload: selectable, fields: { jobId, packGroupIds: Object.keys(selectable), channels, selectableByName: selectableByName(selectable, lookup) } };
    },
  }),
  op({
    name: 'packGroups',
    call: 'GET /jobs/{jobId}/packGroups',
    changes: false,
    label: { 'en-US': 'pack groups of a job', de: 'Pack-Gruppen eines Jobs', nl: 'packgroepen van een job', fr: "groupes de plis d'un job" },
    description: {
      'en-US': 'A job\'s pack groups (one per document to send) with their status and, for NOT_ELIGIBLE ones, the eligibility problems spelled out. To fix one, use edit packgroup.',
      de: 'Die Pack-Gruppen eines Jobs (eine je zu versendendem Dokument) mit Status und, bei NOT_ELIGIBLE, den Problemen der Prüfung im Klartext. Zum Korrigieren: edit packgroup.',
      nl: 'De packgroepen van een job (één per te verzenden document) met hun status en, bij NOT_ELIGIBLE, de problemen uitgeschreven. Corrigeren kan met edit packgroup.',
      fr: "Les groupes de plis d'un job (un par document à envoyer) avec leur statut et, pour ceux NOT_ELIGIBLE, les problèmes d'éligibilité en clair. Pour en corriger un : edit packgroup.",
    },
    input: { 'en-US': 'The job id, {jobId} or the output of create job.', de: 'Die Job-ID, {jobId} oder die Ausgabe von create job.', nl: 'Het job-id, {jobId} of de uitvoer van create job.', fr: "L'identifiant du job, {jobId} ou la sortie de create job." },
    output: {
      'en-US': 'msg.payload: the pack groups as the platform sent them. msg.packGroups: [{id, status, eligible, problems, packRequirements}]. msg.notEligible: the NOT_ELIGIBLE ones. msg.jobId.',
      de: 'msg.payload: die Pack-Gruppen wie gesendet. msg.packGroups: [{id, status, eligible, problems, packRequirements}]. msg.notEligible: die NOT_ELIGIBLE. msg.jobId.',
      nl: 'msg.payload: de packgroepen zoals verzonden. msg.packGroups: [{id, status, eligible, problems, packRequirements}]. msg.notEligible: de NOT_ELIGIBLE. msg.jobId.',
      fr: 'msg.payload : les groupes tels qu\'envoyés. msg.packGroups : [{id, status, eligible, problems, packRequirements}]. msg.notEligible : ceux NOT_ELIGIBLE. msg.jobId.',
    },
    example: SAMPLE_JOB_ID,
    prepare: oneJobId,
    async run(client, jobId, signal) {
      const groups = await client.jobPackGroups(jobId, signal);
      const summary = groups.map(packGroupSummary);
      return { payload: groups, fields: { jobId, packGroups: summary, notEligible: summary.filter((g) => !g.eligible) } };
    },
  }),
];
