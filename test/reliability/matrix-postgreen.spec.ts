import { defineMatrix } from './matrix';

defineMatrix('postgreen', ['postgreen']);
