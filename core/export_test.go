package core

// What the external tests (package core_test) share with the internal ones.

// KeepTracingGlobals is keepTracingGlobals, for package core_test.
var KeepTracingGlobals = keepTracingGlobals
