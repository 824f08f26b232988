package bridge_test

import "github.com/dynlog/dynlog/core/internal/coretest"

// pinnedClock is the examples' clock: coretest.Pinned, as the other tests'.
var pinnedClock = coretest.Clock(coretest.Pinned)

// thisTarget is the target of a line this package logs without a name.
const thisTarget = "github.com/dynlog/dynlog/core/bridge_test"
