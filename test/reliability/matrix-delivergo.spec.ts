import { defineMatrix } from './matrix';

defineMatrix('delivergo', ['delivergo']);
