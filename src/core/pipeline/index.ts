/** Deploy the tested flow as a Fabric or Data Factory pipeline, run it, and explain its activities. */
export { adfPipelineClient, DATA_FACTORY_API_VERSION, type FactoryAddress } from './adfClient';
export { applyDeploy, planDeploy, type DeployPlan } from './deploy';
export { canonicalJson, definitionDiff } from './diff';
export { explainActivity, stageOfActivity } from './explainActivity';
export { fabricDefinitionOf, fabricPipelineClient, PIPELINE_CONTENT_PART } from './fabricClient';
export { startAndWatch, timelineOf, watchRun, type PipelineRunResult, type TimelineEntry, type WatchOptions } from './run';
export type { ActivityRun, DeployedPipeline, PipelineClient, PipelineRunState, PipelineRunStatus, PipelineTargetKind } from './types';
export { compareRuns, comparisonMarkdown, type Comparison, type ComparisonRow, type Verdict } from './compare';
