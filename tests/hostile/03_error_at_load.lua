-- expect: 03_error_at_load.lua:2: refused at load time
error("refused at load time")
