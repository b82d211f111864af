/**
 * An explanation for every counted hour: the steps of RULES.md that lead from an activity's
 * measure to what it counts in the deciding tier, each citing its article, with its numbers and
 * one zh-CN sentence. Built only when `explain` is on.
 */
import type { CompiledRuleSet } from './compiled';
import { measureStep, subjectZh } from './explain-measure';
import { formatHours } from './hundredths';
import type { Scratch } from './scratch';
import type { ActivityInput, ExplanationStep, PersonYearInput } from './types';

const step = (code: string, article: string, values: ExplanationStep['values'], text: string): ExplanationStep => ({ code, article, values, text });
const h = (x: number | null): number | null => (x === null ? null : x / 100);

/** Art. 12: what the unit (核定) and the authority (终审) made of the activity. */
function workflowSteps(a: ActivityInput, finalized: boolean, out: ExplanationStep[]): void {
  const claimed = formatHours(a.claimed);
  const values = { claimed: a.claimed / 100, verified: h(a.verified), final: h(a.final) };
  if (a.status === 'withdrawn') out.push(step('WITHDRAWN', '12', values, '申报人已撤回'));
  else if (a.status === 'rejected') out.push(step('UNIT_REJECTED', '12', values, '用人单位核定：不予认定'));
  else if (a.status === 'verified' || a.verified !== null) {
    const v = a.verified ?? a.claimed;
    out.push(step('UNIT_VERIFIED', '12', values, `用人单位核定 ${formatHours(v)} 学时${v === a.claimed ? '' : `（申报 ${claimed} 学时）`}`));
  } else out.push(step('UNIT_PENDING', '12', values, '待用人单位核定'));
  if (!finalized) return;
  if (a.final === null) out.push(step('AUTHORITY_NOT_INCLUDED', '12', values, '未纳入最近一次终审'));
  else if (a.finalRejected) out.push(step('AUTHORITY_REJECTED', '12', values, '终审调整为 0：不予认定'));
  else if (a.final !== (a.verified ?? a.claimed)) {
    out.push(step('AUTHORITY_ADJUSTED', '12', values, `终审调整为 ${formatHours(a.final)} 学时（核定 ${formatHours(a.verified ?? a.claimed)} 学时）`));
  } else out.push(step('AUTHORITY_FINAL', '12', values, `终审认定 ${formatHours(a.final)} 学时`));
}

export function explainActivity(c: CompiledRuleSet, py: PersonYearInput, i: number, s: Scratch, voided: boolean): ExplanationStep[] {
  const a = py.activities[i]!;
  const item = c.items[s.cat[i]!]!;
  const out: ExplanationStep[] = [measureStep(item, c.art7, a)];
  if (out[0]!.values['hours'] !== undefined && out[0]!.values['hours'] !== a.claimed / 100) {
    // The hours were recorded at declaration (possibly under another rule set); they stand.
    out.push(step('CLAIMED_RECORDED', item.article, { claimed: a.claimed / 100 }, `申报时认定 ${formatHours(a.claimed)} 学时，以此为准`));
  }
  // Art. 11 counts an activity in the year it was completed; one completed later counts here only
  // as make-up for this short year (Art. 13, RULES.md §3–4).
  if (Number(a.completedOn.slice(0, 4)) > py.year) {
    out.push(step('ART13_MAKE_UP', '13', { completedOn: a.completedOn, year: py.year }, `${a.completedOn} 完成的补学，计入 ${py.year} 年度（第十三条）`));
  }
  workflowSteps(a, py.finalized, out);
  if (voided) {
    out.push(step('ART14_VOIDED', '14', { counted: 0 }, '本年度学时认定分值因弄虚作假被取消（第十四条），本项计 0'));
    return out;
  }
  const tier = py.finalized ? 'final' : 'verified';
  const tierZh = py.finalized ? '终审结果' : '核定结果';
  const hours = s.hours[i]!;
  if (hours < 0) {
    out.push(step('NOT_COUNTED', '12', { tier, counted: 0 }, `不在${tierZh}中，本项计 0`));
    return out;
  }
  const key = a.contentKey;
  const w = s.winner[i]!;
  if (w >= 0) {
    const keptBy = py.activities[w]!.activityId;
    // Art. 11 is applied before the caps: the one kept may itself be cut by its item's cap.
    const keptCounted = s.counted[w]!;
    const cut = keptCounted < s.hours[w]! ? `（${keptBy} 受年度上限所限，计 ${formatHours(keptCounted)}）` : '';
    out.push(step('ART11_SUPERSEDED', '11', { contentKey: key, keptBy, hours: hours / 100, counted: 0, keptCounted: keptCounted / 100 }, `同一内容（contentKey: ${key}）按最高学时认定一次，由 ${keptBy} 计入${cut}，本项计 0`));
    return out;
  }
  if (s.group[i]! > 1) {
    out.push(step('ART11_KEPT', '11', { contentKey: key, activities: s.group[i]!, hours: hours / 100 }, `同一内容（contentKey: ${key}）共 ${s.group[i]} 项，按最高学时 ${formatHours(hours)} 由本项计入`));
  }
  const counted = s.counted[i]!;
  if (item.cap >= 0) {
    const before = s.capBefore[i]!;
    const both = item.subject.rule === 'fixed' ? '' : '（公需、专业科目合计）';
    const cap = item.capHours ?? 0;
    out.push(
      step(`ART${item.articleNumber}_CAP`, item.article, { cap: item.capHours, before: before / 100, hours: hours / 100, counted: counted / 100 },
        `年度上限 ${Number.isInteger(cap) ? cap : cap.toFixed(2)}${both}，已计 ${formatHours(before)}，本项计 ${formatHours(counted)}`),
    );
  }
  out.push(step('COUNTED', '6', { tier, subject: a.subject, counted: counted / 100 }, `计入${subjectZh(a.subject)} ${formatHours(counted)} 学时（${tierZh}）`));
  return out;
}
