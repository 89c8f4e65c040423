import { defineMatrix } from './matrix';

defineMatrix('planviewer', ['planviewer']);
