// What the explanation table holds for a code: the texts and the overrides that refine them.
import type { StageId } from '../../flow/stageId';
import type { EndpointAuthKind } from '../parseError';

/** The texts of an entry; `{name}` in a `byDetail` variant's text is replaced by that detail of the parsed error. */
export interface ExplanationTexts {
  readonly summary: string;
  readonly cause: string;
  readonly fix: string;
  readonly docsUrl: string;
}

/** A variant that applies when the parsed error carries `detail` (and it matches `matches`, if given). */
export interface DetailVariant extends Partial<ExplanationTexts> {
  readonly detail: string;
  readonly matches?: RegExp;
}

/**
 * What the table holds for a code. Overrides apply in this order, each over the last:
 * `byStage` (the same code means different things per stage), `byEndpointAuth` (Entra ID and SAS
 * endpoints are fixed differently), then every matching `byDetail` variant (the service's answer
 * names the specifics, e.g. the IP a firewall saw).
 */
export interface ExplanationEntry extends ExplanationTexts {
  readonly byStage?: Partial<Record<StageId, Partial<ExplanationTexts>>>;
  readonly byEndpointAuth?: Partial<Record<EndpointAuthKind, Partial<ExplanationTexts>>>;
  readonly byDetail?: readonly DetailVariant[];
}
