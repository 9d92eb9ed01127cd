/** The sandbox's pipeline runner: definitions, the expression language, runs and their records. */
export { DefinitionError, readPipelineDefinition, type ActivityDefinition, type PipelineDefinition } from './definition';
export { evaluateString, ExpressionError, parseExpression, parseTemplate, type ExpressionScope, type Value } from './expression';
export { PipelineRun, RunRequestError, type ActivityRunRecord, type ActivityStatus, type PipelineRunStatus, type RunnerEnvironment } from './runner';
export { managedIdentityOf, peerRoute, runnerEnvironment, type RunnerEnvironmentOptions } from './environment';
export { attachPipelineRunner, pipelineHostOf, type HostedRun, type PipelineHost } from './host';
