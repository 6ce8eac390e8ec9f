import type { HandoffStep, Milestone } from '../commands.js';
import { ROLES, type Role } from '../roles.js';

/**
 * Who may report what about a batch (DESIGN §3 "Who may report what"), as data beside HANDOFFS:
 * each hand-off step, milestone and QA signature names the party that gives it and which of the
 * batch's sites it must come from. The API refuses anyone else; the matrix test is generated from
 * these tables, so a rule changed here is a rule tested.
 */
export const PARTIES = ['apheresis-centre', 'courier', 'facility', 'qc-lab', 'qa', 'treatment-centre'] as const;
export type Party = (typeof PARTIES)[number];

/** The three sites of a batch, by what they are to it. */
export const BATCH_SITES = ['apheresis-centre', 'facility', 'treatment-centre'] as const;
export type BatchSite = (typeof BATCH_SITES)[number];

export interface Reporter {
  party: Party;
  /** The batch's site the report must come from: the caller's sites must include it. */
  site: BatchSite;
}

const at = (party: Party, site: BatchSite): Reporter => ({ party, site });

/** The person or system who scans the bag at each hand-off: the one taking custody, or the courier at pick-up. */
export const HANDOFF_REPORTERS: Record<HandoffStep, Reporter> = {
  collection: at('apheresis-centre', 'apheresis-centre'),
  'outbound-pickup': at('courier', 'apheresis-centre'),
  'facility-receipt': at('facility', 'facility'),
  'return-pickup': at('courier', 'facility'),
  'site-receipt': at('treatment-centre', 'treatment-centre'),
  infusion: at('treatment-centre', 'treatment-centre'),
};

export const MILESTONE_REPORTERS: Record<Milestone, Reporter> = {
  'apheresis-scheduled': at('apheresis-centre', 'apheresis-centre'),
  'manufacturing-started': at('facility', 'facility'),
  'activation-complete': at('facility', 'facility'),
  'transduction-complete': at('facility', 'facility'),
  'expansion-complete': at('facility', 'facility'),
  'harvest-complete': at('facility', 'facility'),
  'cryopreservation-complete': at('facility', 'facility'),
  'qc-complete': at('qc-lab', 'facility'),
  'manufacturing-failed': at('facility', 'facility'),
  // The treating physician accepts a conditionally released product for the patient.
  'physician-acceptance': at('treatment-centre', 'treatment-centre'),
  'recollection-scheduled': at('apheresis-centre', 'apheresis-centre'),
  'collection-rescheduled': at('apheresis-centre', 'apheresis-centre'),
};

/** The quality unit's signatures: the manufacturer's QA disposes of the product and assesses its excursions. */
export const SIGNATURE_REPORTERS = {
  'qa-disposition': at('qa', 'facility'),
  'excursion-assessment': at('qa', 'facility'),
} as const satisfies Record<string, Reporter>;
export type SignedCommand = keyof typeof SIGNATURE_REPORTERS;

/** Anything a party reports: a hand-off step, a milestone or a QA signature. */
export type Report = { kind: 'handoff'; step: HandoffStep } | { kind: 'milestone'; milestone: Milestone } | { kind: 'signature'; command: SignedCommand };

export function reporterOf(report: Report): Reporter {
  switch (report.kind) {
    case 'handoff':
      return HANDOFF_REPORTERS[report.step];
    case 'milestone':
      return MILESTONE_REPORTERS[report.milestone];
    case 'signature':
      return SIGNATURE_REPORTERS[report.command];
  }
}

const nameOf = (report: Report) => (report.kind === 'handoff' ? report.step : report.kind === 'milestone' ? report.milestone : report.command);

/**
 * The party a role plays at one of a batch's sites, if any. People (coordinators) act for the site
 * they work at; partner systems for what they are, where their token places them; QA is the quality
 * unit wherever it works. Schedulers, gateway administrators and administrators report nothing: an
 * administrator manages V2V and may not put words in a partner's mouth.
 */
export function partyOf(role: Role, site: BatchSite): Party | undefined {
  switch (role) {
    case 'coordinator':
      return site;
    case 'courier':
      return 'courier';
    case 'manufacturing':
      return site === 'facility' ? 'facility' : undefined;
    case 'qc-lab':
      return site === 'facility' ? 'qc-lab' : undefined;
    case 'qa':
      return 'qa';
    case 'scheduler':
    case 'gateway-admin':
    case 'admin':
      return undefined;
  }
}

/** The roles that play some party somewhere: the only ones the reporting routes let in at all. */
export const REPORTING_ROLES: readonly Role[] = ROLES.filter((role) => BATCH_SITES.some((site) => partyOf(role, site) !== undefined));

/** The batch's sites by id; the facility may not be known yet on rows from before it was planned. */
export interface BatchSiteIds {
  apheresisCenterId: string;
  facilityId?: string | null;
  treatmentCenterId: string;
}

/** Who is calling, as the domain sees a principal: a role and the sites it acts for. */
export interface Caller {
  role: Role;
  sites: readonly string[];
}

export const siteIdOf = (batch: BatchSiteIds, site: BatchSite): string | undefined =>
  site === 'apheresis-centre' ? batch.apheresisCenterId : site === 'facility' ? (batch.facilityId ?? undefined) : batch.treatmentCenterId;

const PARTY_NAMES: Record<Party, string> = {
  'apheresis-centre': 'apheresis centre',
  courier: 'courier',
  facility: 'manufacturing facility',
  'qc-lab': 'QC laboratory',
  qa: 'QA',
  'treatment-centre': 'treatment centre',
};
/** The caller as the refusal names it. */
const ROLE_NAMES: Record<Role, string> = {
  coordinator: 'a coordinator',
  scheduler: 'a scheduler',
  qa: 'QA',
  'gateway-admin': 'a gateway administrator',
  admin: 'an administrator',
  courier: 'a courier',
  manufacturing: 'a manufacturing system',
  'qc-lab': 'a QC laboratory system',
};

/**
 * Whether `caller` may report `report` about a batch at these sites: true, or the rule as a sentence
 * naming who reports it, from where, and who the caller is.
 */
export function mayReport(caller: Caller, report: Report, batch: BatchSiteIds): { ok: true } | { ok: false; rule: string } {
  const { party, site } = reporterOf(report);
  const siteId = siteIdOf(batch, site);
  if (siteId !== undefined && caller.sites.includes(siteId) && partyOf(caller.role, site) === party) return { ok: true };
  const place = siteId === undefined ? 'not planned yet' : `site ${siteId}`;
  const who = party === site ? `the batch's ${PARTY_NAMES[site]} (${place})` : `${party === 'qa' ? 'QA' : `a ${PARTY_NAMES[party]}`} at the batch's ${PARTY_NAMES[site]} (${place})`;
  const you = `${ROLE_NAMES[caller.role]} ${caller.sites.length > 0 ? `of ${caller.sites.join(', ')}` : '(no site)'}`;
  return { ok: false, rule: `\`${nameOf(report)}\` is reported by ${who}; you are ${you}.` };
}
