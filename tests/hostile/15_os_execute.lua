-- expect: attempt to index a nil value (global 'os')
return {f = function (x) os.execute("touch created_by_execute.txt") return x end}
