module github.com/dynlog/dynlog

go 1.26

require (
	github.com/pelletier/go-toml/v2 v2.4.3
	go.uber.org/zap v1.28.0
	golang.org/x/term v0.44.0
)

require (
	go.uber.org/multierr v1.10.0 // indirect
	golang.org/x/sys v0.46.0 // indirect
)
