import type { Format, Reporter } from './reporter';

/**
 * The reporter of each format, loaded only when asked for: a pre-commit run that prints text does not
 * pay for parsing the SARIF or JUnit writers at start-up.
 */
export function reporterFor(format: Format): Reporter {
  switch (format) {
    case 'text':
      return (require('./text') as typeof import('./text')).formatText;
    case 'json':
      return (require('./json') as typeof import('./json')).formatJson;
    case 'jsonl':
      return (require('./jsonl') as typeof import('./jsonl')).formatJsonl;
    case 'sarif':
      return (require('./sarif') as typeof import('./sarif')).formatSarif;
    case 'github':
      return (require('./github') as typeof import('./github')).formatGithub;
    case 'markdown':
      return (require('./markdown') as typeof import('./markdown')).formatMarkdown;
    case 'junit':
      return (require('./junit') as typeof import('./junit')).formatJunit;
  }
}
