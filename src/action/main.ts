import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Io, run } from '../cli/run';
import { formatError, KeysweepError, UsageError } from '../errors';
import { commitParents, openRepository } from '../git/repo';
import { escapeData } from '../report/github';
import { type Plan, planScan } from './plan';

/**
 * The GitHub Action: a thin adapter over the CLI. It reads the inputs the runner passes as `INPUT_*`
 * variables and the event payload, turns them into one keysweep command (see plan.ts), and runs it
 * in-process with annotations on stdout (`--format github`) while the same scan also writes the JSON
 * (for the outputs), the Markdown job summary and, when asked, SARIF for code scanning.
 *
 * A shallow checkout is not deepened: the range command fails with one line telling the user to set
 * `fetch-depth: 0` on actions/checkout. Deepening would mean running git with network access and
 * credentials inside the repository under scan, which keysweep never does, and the fix is one line of
 * the workflow, explicit and visible in review.
 */
export interface ActionEnv {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export async function runAction({ env, stdout, stderr }: ActionEnv): Promise<number> {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const scratch = mkdtempSync(path.join(env.RUNNER_TEMP || os.tmpdir(), 'keysweep-'));
  try {
    const repo = path.resolve(workspace, input(env, 'path') || '.');
    let plan: ResolvedPlan;
    try {
      plan = await resolvePlan(env, repo);
    } catch (error) {
      if (!(error instanceof KeysweepError)) throw error;
      stdout.write(`::error title=keysweep::${escapeData(formatError(error))}\n`);
      return 2;
    }
    if (plan.kind === 'nothing') {
      summarize(env, `## keysweep\n\nNothing to scan: ${plan.what}.\n`);
      setOutputs(env, { findings: '0', critical: '0', 'sarif-file': '' });
      stdout.write(`keysweep: nothing to scan: ${plan.what}\n`);
      return 0;
    }
    const json = path.join(scratch, 'report.json');
    const markdown = path.join(scratch, 'summary.md');
    const sarif = input(env, 'sarif-file') ? path.resolve(workspace, input(env, 'sarif-file')) : undefined;
    const argv = [
      ...commandFor(plan, repo),
      '--format',
      'github',
      '--report',
      `json=${json}`,
      '--report',
      `markdown=${markdown}`,
      ...(sarif ? ['--report', `sarif=${sarif}`] : []),
      '--fail-on',
      input(env, 'fail-on') || 'medium',
      ...(input(env, 'config') ? ['--config', path.resolve(workspace, input(env, 'config'))] : []),
      ...(input(env, 'baseline') ? ['--baseline', path.resolve(workspace, input(env, 'baseline'))] : []),
    ];
    const io: Io = {
      stdout,
      // errors become annotations too, so they show on the run's page and not only in its log
      stderr: {
        write: (text: string) => {
          stderr.write(text);
          for (const line of text.split('\n').filter((line) => line.startsWith('keysweep: ')))
            stdout.write(`::error title=keysweep::${escapeData(line)}\n`);
        },
      },
      cwd: workspace,
      env,
    };
    const code = await run(argv, io);
    if (existsSync(json)) {
      const findings = JSON.parse(readFileSync(json, 'utf8')).findings as { severity: string }[];
      const critical = findings.filter((finding) => finding.severity === 'critical').length;
      setOutputs(env, {
        findings: String(findings.length),
        critical: String(critical),
        'sarif-file': sarif ?? '',
      });
      summarize(env, `## keysweep\n\nScanned ${plan.what}.\n\n${readFileSync(markdown, 'utf8')}`);
    } else {
      summarize(env, `## keysweep\n\nThe scan of ${plan.what} failed: see the error annotations.\n`);
    }
    return code;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

type ResolvedPlan = Exclude<Plan, { kind: 'new-branch' }>;

async function resolvePlan(env: NodeJS.ProcessEnv, repo: string): Promise<ResolvedPlan> {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const plan = planScan(input(env, 'mode') || 'auto', eventName, readPayload(env));
  if (plan.kind !== 'new-branch') return plan;
  // A new branch's commits start at the first pushed commit's parent; a repository's first push (a root
  // commit) is its whole history.
  const [parent] = await commitParents(await openRepository(repo, repo), plan.first);
  if (parent) return { kind: 'range', base: parent, head: plan.head, what: plan.what };
  return { kind: 'history', what: `${plan.what} (its first push: the whole history)` };
}

function readPayload(env: NodeJS.ProcessEnv): object {
  const file = env.GITHUB_EVENT_PATH;
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: cannot read the event payload (${(error as Error).message})`);
  }
}

function commandFor(plan: Exclude<ResolvedPlan, { kind: 'nothing' }>, repo: string): string[] {
  switch (plan.kind) {
    case 'range':
      return ['range', `${plan.base}..${plan.head}`, repo];
    case 'history':
      return ['history', repo, '--quiet'];
    case 'scan':
      return ['scan', repo];
  }
}

/** An input as the runner passes it: `INPUT_` + the id upper-cased, spaces as `_`, hyphens kept; trimmed. */
export function input(env: NodeJS.ProcessEnv, id: string): string {
  return (env[`INPUT_${id.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

function setOutputs(env: NodeJS.ProcessEnv, outputs: Record<string, string>): void {
  const file = env.GITHUB_OUTPUT;
  if (!file) return;
  for (const [name, value] of Object.entries(outputs)) {
    // the heredoc form with a random delimiter, so no value can end the entry early
    const delimiter = `ghadelimiter_${randomUUID()}`;
    appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
  }
}

function summarize(env: NodeJS.ProcessEnv, markdown: string): void {
  if (env.GITHUB_STEP_SUMMARY)
    appendFileSync(env.GITHUB_STEP_SUMMARY, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}
