// How PyYAML's safe_load (Chaos Toolkit's reader) reads the plain scalars that YAML 1.1 leaves open:
// the booleans, decimal integers and floats it recognises. Both YAML readers narrow their YAML 1.1
// schema to these: the `yaml` package's is wider (`y`/`n` as booleans, `1e3` and `09` as numbers).
export const PYYAML_TESTS = {
  true: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/,
  false: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/,
  int: /^[-+]?(?:0|[1-9][0-9_]*)$/,
  float: /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$/,
  floatExp: /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)[eE][-+][0-9]+$/,
};
