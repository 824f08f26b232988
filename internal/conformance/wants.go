package conformance

// wants holds, per case name, the exact bytes of each layout. Every value
// was checked by hand against docs/layouts.md (see the case names for the rule
// each one pins down); none is to be regenerated from the encoders' output.
var wants = map[string]CaseWant{
	"static info": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"dynamo_llm::kv_router\",\"message\":\"selected worker\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO dynamo_llm::kv_router: selected worker\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mdynamo_llm::kv_router\x1b[0m\x1b[2m:\x1b[0m selected worker\n",
		VLLM:          "INFO 09-02 16:38:06 [main.go:42] selected worker\n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m selected worker\n",
	},
	"trace": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"TRACE\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"deep\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z TRACE t: deep\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[35mTRACE\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m deep\n",
		VLLM:          "TRACE 09-02 16:38:06 [main.go:42] deep\n",
		VLLMColor:     "TRACE \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m deep\n",
	},
	"debug": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"DEBUG\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"d\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z DEBUG t: d\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[34mDEBUG\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m d\n",
		VLLM:          "DEBUG 09-02 16:38:06 [main.go:42] d\n",
		VLLMColor:     "\x1b[37mDEBUG\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m d\n",
	},
	"warn": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"WARN\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"w\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  WARN t: w\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[33m WARN\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m w\n",
		VLLM:          "WARNING 09-02 16:38:06 [main.go:42] w\n",
		VLLMColor:     "\x1b[33mWARNING\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m w\n",
	},
	"error": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"ERROR\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"e\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z ERROR t: e\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[31mERROR\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m e\n",
		VLLM:          "ERROR 09-02 16:38:06 [main.go:42] e\n",
		VLLMColor:     "\x1b[31mERROR\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m e\n",
	},
	"dpanic is error or critical": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"ERROR\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"c\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z ERROR t: c\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[31mERROR\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m c\n",
		VLLM:          "CRITICAL 09-02 16:38:06 [main.go:42] c\n",
		VLLMColor:     "\x1b[35mCRITICAL\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m c\n",
	},
	"fatal is error or critical": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"ERROR\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"c\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z ERROR t: c\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[31mERROR\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m c\n",
		VLLM:          "CRITICAL 09-02 16:38:06 [main.go:42] c\n",
		VLLMColor:     "\x1b[35mCRITICAL\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m c\n",
	},
	"unnamed logger: target is the caller's package": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"github.com/acme/router\",\"message\":\"hi\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO github.com/acme/router: hi\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mgithub.com/acme/router\x1b[0m\x1b[2m:\x1b[0m hi\n",
		VLLM:          "INFO 09-02 16:38:06 [main.go:42] hi\n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m hi\n",
	},
	"no caller, no name": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"target\":\"\",\"message\":\"bare\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO : bare\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2m\x1b[0m\x1b[2m:\x1b[0m bare\n",
		VLLM:          "INFO 09-02 16:38:06 [unknown:0] bare\n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[unknown:0]\x1b[0m bare\n",
	},
	"empty message": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO t: \n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m \n",
		VLLM:          "INFO 09-02 16:38:06 [main.go:42] \n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m \n",
	},
	"scalar fields": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"scalars\",\"big\":1e+16,\"f32\":0.1,\"half\":0.5,\"i\":-7,\"nan\":0,\"ok\":true,\"one\":1.0,\"s\":\"say \\\"hi\\\"\\\\now\",\"tiny\":1.5e-7,\"u\":18446744073709551615}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO t: scalars s=\"say \\\"hi\\\"\\\\now\" i=-7 u=18446744073709551615 ok=true one=1.0 half=0.5 big=1e16 tiny=1.5e-7 nan=NaN f32=0.1\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m scalars \x1b[3ms\x1b[0m\x1b[2m=\x1b[0m\"say \\\"hi\\\"\\\\now\" \x1b[3mi\x1b[0m\x1b[2m=\x1b[0m-7 \x1b[3mu\x1b[0m\x1b[2m=\x1b[0m18446744073709551615 \x1b[3mok\x1b[0m\x1b[2m=\x1b[0mtrue \x1b[3mone\x1b[0m\x1b[2m=\x1b[0m1.0 \x1b[3mhalf\x1b[0m\x1b[2m=\x1b[0m0.5 \x1b[3mbig\x1b[0m\x1b[2m=\x1b[0m1e16 \x1b[3mtiny\x1b[0m\x1b[2m=\x1b[0m1.5e-7 \x1b[3mnan\x1b[0m\x1b[2m=\x1b[0mNaN \x1b[3mf32\x1b[0m\x1b[2m=\x1b[0m0.1\n",
		VLLM:          "INFO 09-02 16:38:06 [main.go:42] scalars s=\"say \\\"hi\\\"\\\\now\" i=-7 u=18446744073709551615 ok=true one=1.0 half=0.5 big=1e16 tiny=1.5e-7 nan=NaN f32=0.1\n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m scalars s=\"say \\\"hi\\\"\\\\now\" i=-7 u=18446744073709551615 ok=true one=1.0 half=0.5 big=1e16 tiny=1.5e-7 nan=NaN f32=0.1\n",
	},
	"string escapes": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"esc\",\"bad\":\"x�y\",\"ctl\":\"a\\tb\\nc\\rd\\u0000e\\u001bf\x7fg\u0085h</>&é😀\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO t: esc ctl=\"a\\tb\\nc\\rd\\0e\\u{1b}f\\u{7f}g\\u{85}h</>&é😀\" bad=\"x�y\"\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m esc \x1b[3mctl\x1b[0m\x1b[2m=\x1b[0m\"a\\tb\\nc\\rd\\0e\\u{1b}f\\u{7f}g\\u{85}h</>&é😀\" \x1b[3mbad\x1b[0m\x1b[2m=\x1b[0m\"x�y\"\n",
		VLLM:          "INFO 09-02 16:38:06 [main.go:42] esc ctl=\"a\\tb\\nc\\rd\\0e\\u{1b}f\\u{7f}g\\u{85}h</>&é😀\" bad=\"x�y\"\n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m esc ctl=\"a\\tb\\nc\\rd\\0e\\u{1b}f\\u{7f}g\\u{85}h</>&é😀\" bad=\"x�y\"\n",
	},
	"other fields": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"others\",\"at\":\"2025-09-02T01:02:03.0000004Z\",\"bin\":\"AAEC\",\"c\":\"1-2i\",\"error\":\"connection refused\",\"raw\":\"bytes\",\"str\":\"stringer <ok>\",\"took\":\"1.5s\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO t: others took=1.5s at=2025-09-02T01:02:03.0000004Z error=connection refused raw=\"bytes\" bin=\"AAEC\" str=stringer <ok> c=1-2i\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m others \x1b[3mtook\x1b[0m\x1b[2m=\x1b[0m1.5s \x1b[3mat\x1b[0m\x1b[2m=\x1b[0m2025-09-02T01:02:03.0000004Z \x1b[3merror\x1b[0m\x1b[2m=\x1b[0mconnection refused \x1b[3mraw\x1b[0m\x1b[2m=\x1b[0m\"bytes\" \x1b[3mbin\x1b[0m\x1b[2m=\x1b[0m\"AAEC\" \x1b[3mstr\x1b[0m\x1b[2m=\x1b[0mstringer <ok> \x1b[3mc\x1b[0m\x1b[2m=\x1b[0m1-2i\n",
		VLLM:          "INFO 09-02 16:38:06 [main.go:42] others took=1.5s at=2025-09-02T01:02:03.0000004Z error=connection refused raw=\"bytes\" bin=\"AAEC\" str=stringer <ok> c=1-2i\n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m others took=1.5s at=2025-09-02T01:02:03.0000004Z error=connection refused raw=\"bytes\" bin=\"AAEC\" str=stringer <ok> c=1-2i\n",
	},
	"structured fields": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"structs\",\"ids\":[3,1,2],\"m\":{\"a\":2,\"z\":1},\"tags\":[\"a\",\"b\"],\"user\":{\"name\":\"ana\",\"id\":7},\"users\":[{\"name\":\"x\",\"id\":1},{\"name\":\"y\",\"id\":2}]}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO t: structs user={\"name\":\"ana\",\"id\":7} ids=[3,1,2] tags=[\"a\",\"b\"] m={\"a\":2,\"z\":1} users=[{\"name\":\"x\",\"id\":1},{\"name\":\"y\",\"id\":2}]\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m structs \x1b[3muser\x1b[0m\x1b[2m=\x1b[0m{\"name\":\"ana\",\"id\":7} \x1b[3mids\x1b[0m\x1b[2m=\x1b[0m[3,1,2] \x1b[3mtags\x1b[0m\x1b[2m=\x1b[0m[\"a\",\"b\"] \x1b[3mm\x1b[0m\x1b[2m=\x1b[0m{\"a\":2,\"z\":1} \x1b[3musers\x1b[0m\x1b[2m=\x1b[0m[{\"name\":\"x\",\"id\":1},{\"name\":\"y\",\"id\":2}]\n",
		VLLM:          "INFO 09-02 16:38:06 [main.go:42] structs user={\"name\":\"ana\",\"id\":7} ids=[3,1,2] tags=[\"a\",\"b\"] m={\"a\":2,\"z\":1} users=[{\"name\":\"x\",\"id\":1},{\"name\":\"y\",\"id\":2}]\n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m structs user={\"name\":\"ana\",\"id\":7} ids=[3,1,2] tags=[\"a\",\"b\"] m={\"a\":2,\"z\":1} users=[{\"name\":\"x\",\"id\":1},{\"name\":\"y\",\"id\":2}]\n",
	},
	"strings keep their type; JSON values are JSON": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"types\",\"bad\":\"{x\",\"id\":\"42\",\"params\":{\"max_tokens\":64,\"stream\":true},\"q\":\"{\\\"b\\\":1}\",\"raw\":[1,2.5]}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO t: types id=\"42\" q=\"{\\\"b\\\":1}\" params={\"stream\":true,\"max_tokens\":64} raw=[1,2.50] bad=\"{x\"\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m types \x1b[3mid\x1b[0m\x1b[2m=\x1b[0m\"42\" \x1b[3mq\x1b[0m\x1b[2m=\x1b[0m\"{\\\"b\\\":1}\" \x1b[3mparams\x1b[0m\x1b[2m=\x1b[0m{\"stream\":true,\"max_tokens\":64} \x1b[3mraw\x1b[0m\x1b[2m=\x1b[0m[1,2.50] \x1b[3mbad\x1b[0m\x1b[2m=\x1b[0m\"{x\"\n",
		VLLM:          "INFO 09-02 16:38:06 [main.go:42] types id=\"42\" q=\"{\\\"b\\\":1}\" params={\"stream\":true,\"max_tokens\":64} raw=[1,2.50] bad=\"{x\"\n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m types id=\"42\" q=\"{\\\"b\\\":1}\" params={\"stream\":true,\"max_tokens\":64} raw=[1,2.50] bad=\"{x\"\n",
	},
	"namespace": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"ns\",\"before\":\"b\",\"req\":{\"id\":\"r1\",\"n\":2}}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO t: ns before=\"b\" req.id=\"r1\" req.n=2\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m ns \x1b[3mbefore\x1b[0m\x1b[2m=\x1b[0m\"b\" \x1b[3mreq.id\x1b[0m\x1b[2m=\x1b[0m\"r1\" \x1b[3mreq.n\x1b[0m\x1b[2m=\x1b[0m2\n",
		VLLM:          "INFO 09-02 16:38:06 [main.go:42] ns before=\"b\" req.id=\"r1\" req.n=2\n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m ns before=\"b\" req.id=\"r1\" req.n=2\n",
	},
	"duplicate keys: last wins in JSONL": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"dup\",\"a\":1,\"k\":\"second\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO t: dup k=\"first\" a=1 k=\"second\"\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m dup \x1b[3mk\x1b[0m\x1b[2m=\x1b[0m\"first\" \x1b[3ma\x1b[0m\x1b[2m=\x1b[0m1 \x1b[3mk\x1b[0m\x1b[2m=\x1b[0m\"second\"\n",
		VLLM:          "INFO 09-02 16:38:06 [main.go:42] dup k=\"first\" a=1 k=\"second\"\n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m dup k=\"first\" a=1 k=\"second\"\n",
	},
	"head keys as fields": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"heads\",\"fields.level\":\"l\",\"fields.line\":9,\"fields.message\":\"m\",\"fields.time\":\"now\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO t: heads message=\"m\" level=\"l\" line=9 time=\"now\"\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m heads \x1b[3mmessage\x1b[0m\x1b[2m=\x1b[0m\"m\" \x1b[3mlevel\x1b[0m\x1b[2m=\x1b[0m\"l\" \x1b[3mline\x1b[0m\x1b[2m=\x1b[0m9 \x1b[3mtime\x1b[0m\x1b[2m=\x1b[0m\"now\"\n",
		VLLM:          "INFO 09-02 16:38:06 [main.go:42] heads message=\"m\" level=\"l\" line=9 time=\"now\"\n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m heads message=\"m\" level=\"l\" line=9 time=\"now\"\n",
	},
	"sorting is byte-wise": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"sort\",\"B\":2,\"a\":5,\"a.b\":3,\"a_b\":4,\"b\":1,\"é\":6}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO t: sort b=1 B=2 a.b=3 a_b=4 a=5 é=6\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m sort \x1b[3mb\x1b[0m\x1b[2m=\x1b[0m1 \x1b[3mB\x1b[0m\x1b[2m=\x1b[0m2 \x1b[3ma.b\x1b[0m\x1b[2m=\x1b[0m3 \x1b[3ma_b\x1b[0m\x1b[2m=\x1b[0m4 \x1b[3ma\x1b[0m\x1b[2m=\x1b[0m5 \x1b[3mé\x1b[0m\x1b[2m=\x1b[0m6\n",
		VLLM:          "INFO 09-02 16:38:06 [main.go:42] sort b=1 B=2 a.b=3 a_b=4 a=5 é=6\n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m sort b=1 B=2 a.b=3 a_b=4 a=5 é=6\n",
	},
	"context and fields": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"svc\",\"message\":\"ctx\",\"a\":1,\"component\":\"router\",\"k\":\"call\",\"z\":26}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO svc: ctx component=\"router\" k=\"ctx\" z=26 k=\"call\" a=1\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2msvc\x1b[0m\x1b[2m:\x1b[0m ctx \x1b[3mcomponent\x1b[0m\x1b[2m=\x1b[0m\"router\" \x1b[3mk\x1b[0m\x1b[2m=\x1b[0m\"ctx\" \x1b[3mz\x1b[0m\x1b[2m=\x1b[0m26 \x1b[3mk\x1b[0m\x1b[2m=\x1b[0m\"call\" \x1b[3ma\x1b[0m\x1b[2m=\x1b[0m1\n",
		VLLM:          "INFO 09-02 16:38:06 [main.go:42] ctx component=\"router\" k=\"ctx\" z=26 k=\"call\" a=1\n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m ctx component=\"router\" k=\"ctx\" z=26 k=\"call\" a=1\n",
	},
	"message with newlines and controls": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"WARN\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"line one\\nline \\u001b[31mtwo\\u0007\u0090 � end\\n\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  WARN t: line one\nline \\x1b[31mtwo\\x07\\u{90} � end\n\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[33m WARN\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m line one\nline \\x1b[31mtwo\\x07\\u{90} � end\n\n",
		VLLM:          "WARNING 09-02 16:38:06 [main.go:42] line one\r\nWARNING 09-02 16:38:06 [main.go:42] line \\x1b[31mtwo\\x07\\u{90} � end\r\nWARNING 09-02 16:38:06 [main.go:42] \n",
		VLLMColor:     "\x1b[33mWARNING\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m line one\r\n\x1b[33mWARNING\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m line \\x1b[31mtwo\\x07\\u{90} � end\r\n\x1b[33mWARNING\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m \n",
	},
	"bridged record": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"target\":\"log\",\"message\":\"from python\",\"log.file\":\"/opt/app/main.py\",\"log.line\":191,\"log.target\":\"main.init\",\"n\":1}\n",
		Readable:      "2025-09-02T16:38:06.656503Z  INFO main.init: from python n=1\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mmain.init\x1b[0m\x1b[2m:\x1b[0m from python \x1b[3mn\x1b[0m\x1b[2m=\x1b[0m1\n",
		VLLM:          "INFO 09-02 16:38:06 [main.py:191] from python n=1\n",
		VLLMColor:     "\x1b[32mINFO\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.py:191]\x1b[0m from python n=1\n",
	},
	"spans": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"DEBUG\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"dynamo_llm::kv_router\",\"message\":\"routing\",\"endpoint\":\"generate\",\"instance_id\":\"75\",\"parent_id\":\"6959a1b2d1ee41a5\",\"request_id\":\"8372eac7-5f43-4d76-beca-0a94cfb311d0\",\"span_id\":\"b035f33bdd5c4b50\",\"span_name\":\"handle_payload\",\"trace_id\":\"425ef761ca5b44c795b4c912f1d84b39\",\"worker\":\"decode-0\",\"x_request_id\":\"req-1\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z DEBUG http-request:handle_payload: dynamo_llm::kv_router: routing worker=\"decode-0\" endpoint=\"event\" method=\"POST\" endpoint=\"generate\" instance_id=75\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[34mDEBUG\x1b[0m \x1b[1mhttp-request\x1b[0m:\x1b[1mhandle_payload\x1b[0m: \x1b[2mdynamo_llm::kv_router\x1b[0m\x1b[2m:\x1b[0m routing \x1b[3mworker\x1b[0m\x1b[2m=\x1b[0m\"decode-0\" \x1b[3mendpoint\x1b[0m\x1b[2m=\x1b[0m\"event\" \x1b[2m\x1b[3mmethod\x1b[0m\x1b[2m=\x1b[0m\"POST\"\x1b[0m \x1b[2m\x1b[3mendpoint\x1b[0m\x1b[2m=\x1b[0m\"generate\" \x1b[3minstance_id\x1b[0m\x1b[2m=\x1b[0m75\x1b[0m\n",
		VLLM:          "DEBUG 09-02 16:38:06 [main.go:42] routing worker=\"decode-0\" endpoint=\"event\" method=\"POST\" endpoint=\"generate\" instance_id=75\n",
		VLLMColor:     "\x1b[37mDEBUG\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m routing worker=\"decode-0\" endpoint=\"event\" method=\"POST\" endpoint=\"generate\" instance_id=75\n",
	},
	"stack": {
		JSONL:         "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"ERROR\",\"file\":\"/src/router/main.go\",\"line\":42,\"target\":\"t\",\"message\":\"failed\",\"stacktrace\":\"main.main\\n\\t/src/main.go:10\"}\n",
		Readable:      "2025-09-02T16:38:06.656503Z ERROR t: failed\nmain.main\n\t/src/main.go:10\n",
		ReadableColor: "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[31mERROR\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m failed\nmain.main\n\t/src/main.go:10\n",
		VLLM:          "ERROR 09-02 16:38:06 [main.go:42] failed\r\nERROR 09-02 16:38:06 [main.go:42] main.main\r\nERROR 09-02 16:38:06 [main.go:42] \t/src/main.go:10\n",
		VLLMColor:     "\x1b[31mERROR\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m failed\r\n\x1b[31mERROR\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m main.main\r\n\x1b[31mERROR\x1b[0m \x1b[90m09-02 16:38:06\x1b[0m \x1b[90m[main.go:42]\x1b[0m \t/src/main.go:10\n",
	},
}

func init() {
	for i := range Cases {
		Cases[i].Want = wants[Cases[i].Name]
	}
}
