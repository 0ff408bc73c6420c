import type { Finding, ScanResult } from '../types';
import { countLine, introducedBy, scannedLine } from './describe';
import { shownSecret } from './redact';
import type { ReportOptions } from './reporter';

/**
 * JUnit XML, for CI systems that show test results (Jenkins, GitLab `artifacts:reports:junit`, Azure
 * DevOps): one failing test case per finding, or one passing case when there are none. File names can
 * hold anything, so text and attributes are escaped and characters XML 1.0 does not allow are dropped.
 */
export function formatJunit(result: ScanResult, options: ReportOptions): string {
  const { findings, warnings } = result;
  const seconds = (result.stats.durationMs / 1000).toFixed(3);
  const cases =
    findings.length === 0
      ? [`    <testcase classname="keysweep" name="no AWS credentials found" time="0"/>`]
      : findings.map((finding) => testCase(finding, options));
  const errors =
    warnings.length === 0
      ? []
      : [
          `    <system-err>${text(warnings.map((w) => `${w.path ? `${w.path}: ` : ''}${w.message}`).join('\n'))}</system-err>`,
        ];
  const counts = `tests="${Math.max(1, findings.length)}" failures="${findings.length}" errors="0" skipped="0" time="${seconds}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="keysweep" ${counts}>`,
    `  <testsuite name="keysweep" ${counts}>`,
    `    <properties><property name="scanned" value="${attribute(scannedLine(result))}"/></properties>`,
    ...cases,
    ...errors,
    '  </testsuite>',
    '</testsuites>',
    `<!-- ${countLine(findings).replace(/--/g, '- -')} -->`,
    '',
  ].join('\n');
}

function testCase(finding: Finding, options: ReportOptions): string {
  const path = finding.provenance.path;
  const where = `${path}:${finding.location.line}:${finding.location.column}`;
  const details = [
    `${finding.title} at ${where}`,
    `secret: ${shownSecret(finding.secret, options.redact)}`,
    `severity: ${finding.severity}`,
    ...(finding.account ? [`account: ${finding.account}`] : []),
    ...(introducedBy(finding) ? [introducedBy(finding)] : []),
    '',
    finding.remediation,
  ].join('\n');
  return [
    `    <testcase classname="${attribute(path)}" name="${attribute(`${finding.ruleId} at ${where}`)}" file="${attribute(path)}" line="${finding.location.line}" time="0">`,
    `      <failure message="${attribute(`${finding.title} (${finding.severity})`)}" type="${finding.severity}">${text(details)}</failure>`,
    '    </testcase>',
  ].join('\n');
}

/** Characters XML 1.0 does not allow: controls but tab, LF, CR; U+FFFE/F; lone surrogates. */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing what XML cannot carry is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function allowed(value: string): string {
  return value.replace(NOT_XML, '');
}

function text(value: string): string {
  return allowed(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attribute(value: string): string {
  return text(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}
