package bridge_test

// thisTarget is the target of a line this package logs without a name.
const thisTarget = "github.com/dynlog/dynlog/core/bridge_test"
