import { defineMatrix } from './matrix';

defineMatrix('probo-arri', ['probo','arri']);
