/**
 * SST v3/v4 app resources: discovery (run in the isolated worker) and requirements (in the adapter). Not yet wired
 * into the adapter's policy set.
 */
export { discoverApp, installSstGlobals, pulumiToken, type DiscoveryContext, type InstalledGlobals, type SstConfigModule } from './app/globals.ts';
export { type AppInventory, type ComponentRecord, emptyInventory, type Lookup, type MethodCall, type OutsideAws, type RawResource, type Recorded, type UnresolvedThing } from './app/inventory.ts';
export { appRequirements, namePrefix, sstFamily, type AppRequirements, type AppRequirementsOptions, type UnresolvedRequirement } from './app/requirements.ts';
export { parseStateExport, stateChanges, type StateResource } from './app/state.ts';
export { type DeployedState, type DeployedStateContext, deployedState, SST_BOOTSTRAP_PARAMETER, stateObjectKey } from './app/deployed-state.ts';
