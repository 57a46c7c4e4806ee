/** Deployments: which host each file of a workspace folder describes (see `infer.ts` for the rules). */
export { inferDeployments } from './infer';
export { DeploymentTracker } from './tracker';
export type { DeploymentLayout, DeploymentMemo, LayoutFile, LayoutRoot, Placement, PlacementRule, Project } from './model';
