/**
 * Names of the multipart fields a job's files travel in. PostGreen's pages
 * show several spellings: `file_main<BoxID>_<n>` and, for preconfigured
 * service files, `serviceFile__file_<BoxID>_<n>` (api-advanced.html);
 * `file__file_{ID_PART}_<n>` (api-simple.html); `file_file__{ID_PART}_<n>`
 * (api-samples.html), where ID_PART "comes from the box name found in the
 * service". The account chooses; the default is the advanced guide's.
 */
import { FulfillmentError } from '../../core/errors';
import { PostgreenBox } from './types';

export const DEFAULT_FILE_FIELD = 'file_main{box}_{n}';
export const DEFAULT_SERVICE_FILE_FIELD = 'serviceFile__file_{box}_{n}';
/** The spellings the pages show, for the account dialog's hint and the guide. */
export const DOCUMENTED_FILE_FIELDS = [DEFAULT_FILE_FIELD, 'file__file_{box}_{n}', 'file_file__{box}_{n}', 'file__file_{name}_{n}', 'file_file__{name}_{n}'];

export interface FileFieldNames {
  file(box: Pick<PostgreenBox, 'id' | 'name'>, n: number): string;
  serviceFile(box: Pick<PostgreenBox, 'id' | 'name'>, n: number): string;
  readonly patterns: { file: string; serviceFile: string };
}

const PATTERN = /^[A-Za-z0-9_.{}-]{1,100}$/;

function checkPattern(pattern: string, setting: string): string {
  const ok = PATTERN.test(pattern)
    && pattern.includes('{n}')
    && (pattern.includes('{box}') || pattern.includes('{name}'))
    && pattern.replace(/\{(box|name|n)\}/g, '').indexOf('{') === -1;
  if (!ok) {
    throw new FulfillmentError({
      provider: 'postgreen',
      kind: 'config',
      field: setting,
      message: `postgreen: the file field name "${pattern}" must hold {n} and {box} (box id) or {name} (box name), letters, digits and _ . - only; e.g. ${DOCUMENTED_FILE_FIELDS.join(', ')}`,
    });
  }
  return pattern;
}

function render(pattern: string, box: Pick<PostgreenBox, 'id' | 'name'>, n: number): string {
  return pattern.replace(/\{(box|name|n)\}/g, (_m, key: string) => (key === 'n' ? String(n) : key === 'box' ? box.id : box.name));
}

export function fileFieldNames(file?: string, serviceFile?: string): FileFieldNames {
  const patterns = {
    file: checkPattern(file?.trim() || DEFAULT_FILE_FIELD, 'fileField'),
    serviceFile: checkPattern(serviceFile?.trim() || DEFAULT_SERVICE_FILE_FIELD, 'serviceFileField'),
  };
  return {
    patterns,
    file: (box, n) => render(patterns.file, box, n),
    serviceFile: (box, n) => render(patterns.serviceFile, box, n),
  };
}
