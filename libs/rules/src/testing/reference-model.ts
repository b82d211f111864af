/**
 * A reference model of RULES.md §2–§3, written from the rules' text alone by someone who had not
 * read this library, for the differential tests of ../reference-*.unit.spec.ts: they compare it with `validateMeasure`
 * and `evaluate` on random person-years. Deliberately plain (no shared code with the library).
 * Hours are integer hundredths everywhere.
 */
export type Subject = 'public' | 'professional';
export type Cat = '8.1' | '8.2' | '8.3' | '8.4' | '8.5' | '8.6' | '8.7' | '8.8' | '9.1' | '9.2' | '9.3' | '9.4' | '9.5' | '10';
export interface OMeasure { hours?: number; minutes?: number; days?: number; extraMinutes?: number; courses?: number; points?: number; level?: string; kind?: string }

/** round half up of num/den, num,den >= 0 integers (BigInt for exactness). */
export function rhu(num: bigint, den: bigint): number {
  return Number((2n * num + den) / (2n * den));
}

const CAPS: Partial<Record<Cat, number>> = {
  '8.3': 1000, '8.4': 3000, '8.5': 1000, '8.6': 3000, '8.8': 1000,
  '9.1': 3000, '9.2': 3000, '9.3': 1000, '9.4': 3000, '9.5': 6000, '10': 2000,
};
export const capOf = (c: Cat): number | undefined => CAPS[c];

const FIXED_SUBJECT: Partial<Record<Cat, Subject>> = {
  '8.3': 'professional', '8.4': 'professional', '8.5': 'professional', '8.7': 'professional', '8.8': 'public',
  '9.1': 'professional', '9.2': 'professional', '9.3': 'professional', '9.4': 'professional', '9.5': 'professional',
};

/** Hours (hundredths) a measure earns per RULES.md §2, or a string error. */
export function oracleMeasure(cat: Cat, subject: Subject | undefined, m: OMeasure): { hours: number; subject: Subject } | string {
  let subj: Subject;
  if (cat === '8.1' || cat === '8.2' || cat === '8.6') {
    if (subject === undefined) return 'subject required';
    subj = subject;
  } else if (cat === '10') subj = subject ?? 'professional';
  else {
    subj = FIXED_SUBJECT[cat]!;
    if (subject !== undefined && subject !== subj) return 'subject contradicts';
  }
  const keys = Object.keys(m).filter((k) => (m as Record<string, unknown>)[k] !== undefined).sort().join(',');
  const dur = (allowHours: boolean, allowDays: boolean): number | string => {
    if (keys === 'hours' && allowHours) {
      const h = m.hours!;
      if (!(h > 0)) return 'hours <= 0';
      if (h > 2000) return 'hours > 2000 (API.md bound)';
      const c = Math.round(h * 100);
      if (c / 100 !== h) return 'hours decimals';
      return c;
    }
    if (keys === 'minutes') {
      if (!Number.isInteger(m.minutes) || m.minutes! < 1 || m.minutes! > 527040) return 'minutes';
      return rhu(100n * BigInt(m.minutes!), 45n);
    }
    if (allowDays && (keys === 'days' || keys === 'days,extraMinutes')) {
      const d = m.days!, e = m.extraMinutes ?? 0;
      if (!Number.isInteger(d) || d < 1 || d > 366) return 'days';
      if (!Number.isInteger(e) || e < 0 || e > 359) return 'extraMinutes';
      return rhu(100n * BigInt(d * 360 + e), 45n);
    }
    return 'measure shape';
  };
  let h: number | string;
  switch (cat) {
    case '8.1': case '8.2': case '8.3': case '8.4': h = dur(true, true); break;
    case '8.5': h = dur(false, true); break;
    case '10': {
      if (keys !== 'minutes') return 'measure shape';
      if (!Number.isInteger(m.minutes) || m.minutes! < 1 || m.minutes! > 527040) return 'minutes';
      h = rhu(200n * BigInt(m.minutes!), 45n); break;
    }
    case '8.6': h = keys === 'courses' && Number.isInteger(m.courses) && m.courses! >= 1 && m.courses! <= 20 ? m.courses! * 1000 : 'courses'; break;
    case '8.7': h = keys === 'level' ? ({ junior: 1000, intermediate: 2000, senior: 3000 } as Record<string, number>)[m.level!] ?? 'level' : 'shape'; break;
    case '8.8': h = keys === 'points' && Number.isInteger(m.points) && m.points! >= 0 && m.points! <= 10_000_000 ? Math.floor(m.points! / 1000) * 100 : 'points'; break;
    case '9.1': h = keys === '' ? 1000 : 'shape'; break;
    case '9.2': h = keys === 'kind' ? ({ sole: 2000, edited: 1000 } as Record<string, number>)[m.kind!] ?? 'kind' : 'shape'; break;
    case '9.3': h = keys === 'kind' ? ({ invention: 500, utility: 300, software: 100, design: 100 } as Record<string, number>)[m.kind!] ?? 'kind' : 'shape'; break;
    case '9.4': h = keys === 'level' ? ({ national: 3000, provincial: 2000, municipal: 1000 } as Record<string, number>)[m.level!] ?? 'level' : 'shape'; break;
    case '9.5': h = keys === 'level' ? ({ national: 6000, provincial: 4000, municipal: 2000 } as Record<string, number>)[m.level!] ?? 'level' : 'shape'; break;
  }
  if (typeof h === 'string') return h;
  return { hours: h, subject: subj };
}

export interface OActivity {
  activityId: string; category: Cat; subject: Subject; completedOn: string;
  claimed: number;
  status: 'declared' | 'verified' | 'rejected' | 'withdrawn';
  verified: number | null;
  final: number | null;
  finalRejected: boolean;
  contentKey: string | null;
}
export interface OYear { status: 'open' | 'confirmed' | 'finalized' | 'voided'; finalized: boolean; activities: OActivity[] }

export interface OTierResult { pub: number; pro: number; counted: Map<string, number>; notes: Map<string, string[]>; members: Set<string>; before: Map<string, number>; keptBy: Map<string, string> }

/** Code-point order (JavaScript's `<` compares UTF-16 code units). */
export function cmpCodePoint(a: string, b: string): number {
  const A = Array.from(a, (c) => c.codePointAt(0)!), B = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(A.length, B.length); i++) if (A[i] !== B[i]) return A[i]! - B[i]!;
  return A.length - B.length;
}

export function tierOf(acts: OActivity[], tier: 'declared' | 'verified' | 'final', yearFinalized: boolean): OTierResult {
  const members: { a: OActivity; h: number }[] = [];
  for (const a of acts) {
    if (tier === 'declared') { if (a.status !== 'withdrawn' && a.status !== 'rejected') members.push({ a, h: a.claimed }); }
    else if (tier === 'verified') { if (a.status === 'verified') members.push({ a, h: a.verified ?? a.claimed }); }
    else if (yearFinalized && a.final !== null && !a.finalRejected) members.push({ a, h: a.final });
  }
  const counted = new Map<string, number>(), notes = new Map<string, string[]>();
  for (const m of members) { counted.set(m.a.activityId, m.h); notes.set(m.a.activityId, []); }
  // Art. 11
  const groups = new Map<string, { a: OActivity; h: number }[]>();
  for (const m of members) if (m.a.contentKey !== null) {
    const g = groups.get(m.a.contentKey) ?? []; g.push(m); groups.set(m.a.contentKey, g);
  }
  const superseded = new Set<string>();
  const before = new Map<string, number>(), keptBy = new Map<string, string>();
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const sorted = [...g].sort((x, y) => y.h - x.h || cmpCodePoint(x.a.completedOn, y.a.completedOn) || cmpCodePoint(x.a.activityId, y.a.activityId));
    for (const s of sorted.slice(1)) { keptBy.set(s.a.activityId, sorted[0]!.a.activityId); superseded.add(s.a.activityId); counted.set(s.a.activityId, 0); notes.get(s.a.activityId)!.push('ART11_SUPERSEDED'); }
  }
  // caps
  const byCat = new Map<Cat, { a: OActivity; h: number }[]>();
  for (const m of members) if (!superseded.has(m.a.activityId) && capOf(m.a.category) !== undefined) {
    const l = byCat.get(m.a.category) ?? []; l.push(m); byCat.set(m.a.category, l);
  }
  for (const [cat, l] of byCat) {
    l.sort((x, y) => cmpCodePoint(x.a.completedOn, y.a.completedOn) || cmpCodePoint(x.a.activityId, y.a.activityId));
    let left = capOf(cat)!;
    for (const m of l) {
      before.set(m.a.activityId, capOf(cat)! - left);
      if (m.h > left) { counted.set(m.a.activityId, left); notes.get(m.a.activityId)!.push('CAPPED'); left = 0; }
      else left -= m.h;
    }
  }
  let pub = 0, pro = 0;
  for (const m of members) { const c = counted.get(m.a.activityId)!; if (m.a.subject === 'public') pub += c; else pro += c; }
  return { pub, pro, counted, notes, members: new Set(members.map((m) => m.a.activityId)), before, keptBy };
}

export interface OEval {
  declared: [number, number]; verified: [number, number]; final: [number, number] | null;
  compliant: boolean; shortfall: [number, number];
  counted: Map<string, number>; notes: Map<string, string[]>; deciding: OTierResult; decidingTier: 'verified' | 'final';
}
export function oracleEvaluate(y: OYear): OEval {
  const voided = y.status === 'voided';
  const d = tierOf(y.activities, 'declared', y.finalized), v = tierOf(y.activities, 'verified', y.finalized);
  const f = y.finalized ? tierOf(y.activities, 'final', true) : null;
  const deciding = f ?? v;
  const counted = new Map<string, number>(), notes = new Map<string, string[]>();
  for (const a of y.activities) {
    counted.set(a.activityId, voided ? 0 : deciding.counted.get(a.activityId) ?? 0);
    notes.set(a.activityId, voided ? [] : deciding.notes.get(a.activityId) ?? []);
  }
  if (voided) {
    return { declared: [0, 0], verified: [0, 0], final: y.finalized ? [0, 0] : null, compliant: false, shortfall: [3000, 6000], counted, notes, deciding, decidingTier: f ? 'final' : 'verified' };
  }
  return {
    declared: [d.pub, d.pro], verified: [v.pub, v.pro], final: f ? [f.pub, f.pro] : null,
    compliant: deciding.pub >= 3000 && deciding.pro >= 6000,
    shortfall: [Math.max(0, 3000 - deciding.pub), Math.max(0, 6000 - deciding.pro)],
    counted, notes, deciding, decidingTier: f ? 'final' : 'verified',
  };
}
