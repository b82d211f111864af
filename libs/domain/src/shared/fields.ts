/** The configured fields (industries) of API.md live with the rules (Art. 15); re-exported here. */
export { FIELDS, isField, type Field } from '@jx/rules';
