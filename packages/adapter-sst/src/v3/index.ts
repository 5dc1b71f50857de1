/**
 * SST v3/v4 app resources, the `@awsperm/adapter-sst/v3` entry: discovery (run in the isolated worker), the
 * requirements of the app's own resources, and the stage's deployed state. The adapter (`sst()`) wires them into
 * its precise requirements; this entry is for tools that want the pieces.
 */
export { discoverApp, installSstGlobals, pulumiToken, type DiscoveryContext, type InstalledGlobals, type SstConfigModule } from './app/globals.ts';
export { type AppInventory, type ComponentRecord, emptyInventory, type Lookup, type MethodCall, type OutsideAws, type RawResource, type Recorded, type UnresolvedThing } from './app/inventory.ts';
export { appRequirements, namePrefix, sstFamily, type AppRequirements, type AppRequirementsOptions, type UnresolvedRequirement } from './app/requirements.ts';
export { parseStateExport, stateChanges, type StateResource } from './app/state.ts';
export { type DeployedState, type DeployedStateContext, deployedState, SST_BOOTSTRAP_PARAMETER, stateObjectKey } from './app/deployed-state.ts';
