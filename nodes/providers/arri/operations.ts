/** ARRI's documented operations beyond place order and poll status, for the operation node. */
import { OperationSpec } from '../../core/capabilities';
import { invalidInput } from '../../core/errors';
import { ArriClient } from './client';
import { stateOf } from './state';
import { orderHashes } from './validate';

/** The order the guide shows; the sandbox knows it (state `packed`) for every customer. */
export const ARRI_EXAMPLE_ORDER_HASH = '74853f7b0b78c3c74676e686dc103f5e';

const order: OperationSpec<ArriClient, string> = {
  name: 'order',
  label: { 'en-US': 'Show an order', de: 'Auftrag anzeigen', nl: 'Order tonen', fr: 'Afficher une commande' },
  description: {
    'en-US': 'Reads one order by its order_hash: its state (pending, packing, packed, has_packing_errors, need_human), packing_errors and the attributes it was placed with.',
    de: 'Liest einen Auftrag über seinen order_hash: Zustand (pending, packing, packed, has_packing_errors, need_human), packing_errors und die Angaben, mit denen er erteilt wurde.',
    nl: 'Leest één order op zijn order_hash: de toestand (pending, packing, packed, has_packing_errors, need_human), packing_errors en de gegevens waarmee hij geplaatst is.',
    fr: "Lit une commande par son order_hash : son état (pending, packing, packed, has_packing_errors, need_human), packing_errors et les attributs avec lesquels elle a été passée.",
  },
  input: {
    'en-US': 'The order_hash (a hexadecimal string), or the output of place order ({order_hash: …}).',
    de: 'Der order_hash (eine hexadezimale Zeichenkette) oder die Ausgabe von place order ({order_hash: …}).',
    nl: 'De order_hash (een hexadecimale tekenreeks), of de uitvoer van place order ({order_hash: …}).',
    fr: "L'order_hash (une chaîne hexadécimale), ou la sortie de place order ({order_hash: …}).",
  },
  output: {
    'en-US': 'msg.payload: the order (admin_user_access_token masked as "***"); msg.order_hash; msg.state: its state (from state, else status). An unknown hash is an error (HTTP 404).',
    de: 'msg.payload: der Auftrag (admin_user_access_token als "***" verdeckt); msg.order_hash; msg.state: sein Zustand (aus state, sonst status). Ein unbekannter Hash ist ein Fehler (HTTP 404).',
    nl: 'msg.payload: de order (admin_user_access_token gemaskeerd als "***"); msg.order_hash; msg.state: de toestand (uit state, anders status). Een onbekende hash is een fout (HTTP 404).',
    fr: 'msg.payload : la commande (admin_user_access_token masqué en "***") ; msg.order_hash ; msg.state : son état (state, sinon status). Un hash inconnu est une erreur (HTTP 404).',
  },
  example: ARRI_EXAMPLE_ORDER_HASH,
  changes: false,
  call: 'GET /api/orders/{order_hash}',
  prepare(input) {
    const hashes = orderHashes(input, 'msg.payload');
    if (hashes.length !== 1) throw invalidInput('msg.payload', `one order at a time: got ${hashes.length} order_hashes (poll status follows several)`, 'arri');
    return hashes[0];
  },
  async run(client, hash, signal) {
    const found = await client.getOrder(hash, signal);
    return { payload: found, fields: { order_hash: found.order_hash, state: stateOf(found) } };
  },
};

export const ARRI_OPERATIONS: ReadonlyArray<OperationSpec<ArriClient, string>> = [order];
