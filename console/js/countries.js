// ISO 3166-1 alpha-2 codes with their English names, for a country <select>: the API takes
// `address.country` as the code, and a free text box let "Ireland" be cut to "Ir".

import { h } from './ui.js';

// The officially assigned codes. Names come from the browser (Intl.DisplayNames), so the
// list stays short; a browser without it shows the codes alone.
const CODES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS '
  + 'BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE '
  + 'EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM '
  + 'HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC '
  + 'LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA '
  + 'NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW '
  + 'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO '
  + 'TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

let sorted = null;
/** `[[code, English name]]`, by name. */
export function countries() {
  if (!sorted) {
    let names = null;
    try {
      names = new Intl.DisplayNames(['en'], { type: 'region' });
    } catch {
      // No names: the codes alone still make a valid choice.
    }
    sorted = CODES.map((code) => [code, names?.of(code) || code])
      .sort((a, b) => a[1].localeCompare(b[1], 'en'));
  }
  return sorted;
}

/**
 * A select of countries named `name`, "(none)" first, with `current` selected; a stored value
 * that is not in the list (an old lower-case or retired code) is kept as its own option, so
 * saving the form does not change it unseen.
 */
export function countrySelect(name, current = '') {
  const value = current || '';
  const known = countries().some(([code]) => code === value);
  return h('select', { name, autocomplete: 'country' },
    h('option', { value: '' }, '(none)'),
    value && !known && h('option', { value, selected: true }, value),
    countries().map(([code, label]) => h('option', { value: code, selected: code === value }, `${label} (${code})`)));
}
