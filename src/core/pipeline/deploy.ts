/**
 * Deploy: create the pipeline, or update it after showing what changes (a text diff of the
 * definitions), from the same export code as `export --format pipeline` (references, never values).
 */
import type { PipelineResource } from '../export/pipeline';
import { definitionDiff } from './diff';
import type { DeployedPipeline, PipelineClient } from './types';

export type DeployPlan =
  | { readonly action: 'create' }
  | { readonly action: 'unchanged'; readonly existing: DeployedPipeline }
  | { readonly action: 'update'; readonly existing: DeployedPipeline; readonly diff: string };

export async function planDeploy(client: PipelineClient, resource: PipelineResource): Promise<DeployPlan> {
  const existing = await client.find(resource.name);
  if (!existing) {
    return { action: 'create' };
  }
  const diff = definitionDiff(existing.properties, resource.properties, { before: `${resource.name} (deployed, ${client.location})`, after: `${resource.name} (from the profile)` });
  return diff ? { action: 'update', existing, diff } : { action: 'unchanged', existing };
}

export async function applyDeploy(client: PipelineClient, plan: DeployPlan, resource: PipelineResource): Promise<DeployedPipeline> {
  switch (plan.action) {
    case 'create':
      return client.create(resource);
    case 'update':
      return client.update(plan.existing, resource);
    case 'unchanged':
      return plan.existing;
  }
}
